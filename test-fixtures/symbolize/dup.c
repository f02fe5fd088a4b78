// Second translation unit of the symbolizer fixture: another static `dup`, larger than chain.c's.
extern volatile int sink;
int chain_entry(volatile int *p, int x);

static __attribute__((noinline)) int dup(int x)
{
	int s = 0;

	for (int i = 0; i < x; i++)
		s += sink * i;
	sink = s;
	return s;
}

int main(int argc, char **argv)
{
	static volatile int buf[16];

	(void)argv;
	return chain_entry(buf, argc) + dup(argc);
}
