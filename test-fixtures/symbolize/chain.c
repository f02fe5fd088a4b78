// Symbolizer test fixture (compiled by server/test/symbolize at test time, never committed as a binary).
// A two-level always_inline chain, a cold function (.text.unlikely), a function in a custom section,
// and a static `dup` whose name also exists in dup.c with another size. No #include: builds with -m32 -c.
volatile int sink;

static inline __attribute__((always_inline)) int inner(volatile int *p, int x)
{
	sink = x;
	if (p[x] == 7)
		sink = 3;
	return p[x] * 3;
}

static inline __attribute__((always_inline)) int outer(volatile int *p, int x)
{
	int r = inner(p, x + 1);

	sink = r;
	return r + inner(p, x);
}

__attribute__((noinline)) int chain(volatile int *p, int x)
{
	int v = outer(p, x);

	return v + 1;
}

__attribute__((noinline, cold)) void cold_path(int x)
{
	sink = x;
	if (x > 3)
		__builtin_trap();
	sink = x + 1;
}

__attribute__((noinline, section(".text.custom"))) int in_custom(volatile int *p, int x)
{
	int v = outer(p, x * 2);

	if (v > 100)
		cold_path(v);
	return v;
}

static __attribute__((noinline)) int dup(int x)
{
	return x + sink;
}

int chain_entry(volatile int *p, int x)
{
	return chain(p, x) + in_custom(p, x) + dup(x);
}
