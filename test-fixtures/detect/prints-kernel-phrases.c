/* A user-space tool that prints reports in the kernel's words: its source must stay C. */
#include <stdio.h>

static void dump_frames(const unsigned long *pc, int n)
{
	printf("Call Trace:\n");
	for (int i = 0; i < n; i++)
		printf(" %s+0x%lx/0x%lx\n", "frame", pc[i] & 0xff, 0x100ul);
}

int main(void)
{
	unsigned long pcs[] = { 0x10, 0x20 };

	fprintf(stderr, "BUG: unable to handle page fault\n");
	fprintf(stderr, "Oops: 0000 [#1] SMP\n");
	dump_frames(pcs, 2);
	return 0;
}
