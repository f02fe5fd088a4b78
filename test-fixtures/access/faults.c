// User-space faults for the faulting-access tests: each scenario dereferences a NULL (or bad) pointer the
// way kernel code does, so a real SIGSEGV gives a real faulting PC and registers. Built at test time with
// gcc -g -O2 (DWARF 4 and 5). The pointers come from a volatile global so the compiler cannot see they are NULL.
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>

struct mac_info {
	int id;
	unsigned int type;
};

struct hw_info {
	long regs[3];
	struct mac_info mac;
};

union word {
	long l;
	int half[2];
};

struct adapter {
	char name[16];
	struct hw_info hw;
	union word u;
	int tbl[8];
	struct {
		int flags;
		int count;
	};
	void (*cb)(int);
};

typedef struct adapter adapter_t;

struct adapter *volatile bad_adapter;
struct adapter quiet_adapter; /* a real struct whose callback is NULL */
void (*volatile bad_fn)(int);
volatile int sink;

/* noipa: callers must assume it clobbers the call-clobbered registers. */
__attribute__((noinline, noipa)) void side_effect(void)
{
	sink++;
}

/* A member of a nested struct, through a typedef'd pointer parameter. */
__attribute__((noinline)) unsigned int read_type(adapter_t *adapter)
{
	return adapter->hw.mac.type;
}

/* The parameter moves out of its argument register (a call in between): a location list. */
__attribute__((noinline)) unsigned int after_call(struct adapter *adapter)
{
	side_effect();
	return adapter->hw.mac.type + 1;
}

/* An inlined helper indexing an array member in a loop. */
static inline __attribute__((always_inline)) int tbl_get(struct adapter *a, int i)
{
	return a->tbl[i];
}

__attribute__((noinline)) int sum_tbl(struct adapter *a, int n)
{
	int s = 0;

	for (int i = 0; i < n; i++)
		s += tbl_get(a, i);
	return s;
}

/* An array member indexed by a register. */
__attribute__((noinline)) int read_tbl(struct adapter *a, long i)
{
	return a->tbl[i];
}

/* A write into a union member. */
__attribute__((noinline)) void write_half(struct adapter *a, int v)
{
	a->u.half[1] = v;
}

/* A member of an anonymous struct. */
__attribute__((noinline)) int read_count(struct adapter *a)
{
	return a->count;
}

/* Reading a function pointer member of a NULL struct. */
__attribute__((noinline)) void call_cb(struct adapter *a)
{
	a->cb(1);
	side_effect();
}

/* Calling a NULL function pointer. */
__attribute__((noinline)) void call_fn(void (*fn)(int))
{
	fn(2);
	side_effect();
}

/* Hands out the NULL adapter through a pointer (noipa: the caller cannot see what it stores). */
__attribute__((noinline, noipa)) void fetch_adapter(struct adapter **out)
{
	*out = bad_adapter;
}

/* A pointer that lives on the stack (its address is taken): reloaded from its slot, DW_OP_fbreg names it. */
__attribute__((noinline)) int stack_ptr(void)
{
	struct adapter *p;

	fetch_adapter(&p);
	return p->count;
}

/* A tail call through a NULL function pointer: `jmp *%rdi`, no return address after it. */
__attribute__((noinline)) void tail_fn(void (*fn)(int))
{
	fn(3);
}

/* A tail call through a function-pointer member (`jmp *0x60(%rdi)`, or loaded first). */
__attribute__((noinline)) void tail_cb(struct adapter *a)
{
	a->cb(4);
}

/* Two tail calls through function pointers: which one jumped, the bytes alone cannot say. */
__attribute__((noinline)) void tail_either(int k, void (*a)(int), void (*b)(int))
{
	if (k)
		a(5);
	else
		b(6);
}

/*
 * Stack overflows into the guard page, as a kernel's runaway recursion meets its VMAP stack's guard page:
 * each frame holds an 8 KiB buffer, so the first byte written into the guard is one of the buffer's (the
 * SIGSEGV's si_addr), not a push. Kept from tail recursion by the asm after the call. They run on a stack of
 * their own (on_guarded_stack), so that the frames meet the guard at the same byte on every machine.
 */
static __attribute__((noinline)) void consume(char *p)
{
	__asm__ volatile("" : : "r"(p) : "memory");
}

/* Zero-filled with `rep stos` from `mov %rsp,%rsi; mov %rsi,%rdi`, as the kernel's INIT_STACK_ALL_ZERO does. */
static inline __attribute__((always_inline)) int fill_zero(int depth)
{
	char buf[8192];

	memset(buf, 0, sizeof(buf));
	buf[depth & 0xff] = 1;
	consume(buf);
	return buf[1];
}

__attribute__((noinline)) int guard_stos(int depth)
{
	int r = fill_zero(depth);
	int s = guard_stos(depth + 1);

	__asm__ volatile("" : "+r"(s));
	return r + s;
}

/* Written from its end down: the fault is inside the buffer, `mov %cl,(%rsp,%rdx,1)`. */
__attribute__((noinline)) int guard_down(int depth)
{
	volatile char buf[8192];
	int s;

	for (int i = sizeof(buf) - 1; i >= 0; i--)
		buf[i] = (char)(depth + i);
	s = guard_down(depth + 1);
	__asm__ volatile("" : "+r"(s));
	return s + buf[depth & 0xff];
}

struct request {
	long id;
	char data[8192];
};

/* A member of a struct on the stack, zero-filled through `lea 0x8(%rsp),%rdx; mov %rdx,%rdi` (`id` is set after). */
__attribute__((noinline)) int guard_member(int depth)
{
	struct request req;
	int s;

	memset(req.data, 0, sizeof(req.data));
	consume(req.data);
	req.id = depth;
	s = guard_member(depth + 1);
	__asm__ volatile("" : "+r"(s));
	return s + req.data[depth & 0xff] + (int)req.id;
}

#define GUARD_BYTES (64 * 1024)
#define STACK_BYTES (1024 * 1024)

static ucontext_t main_context, guarded_context;
static int (*guarded_fn)(int);
static int guarded_result;

static void guarded_entry(void)
{
	guarded_result = guarded_fn(0);
}

/*
 * Runs fn(0) on a page-aligned stack whose lowest GUARD_BYTES are PROT_NONE (more than a frame: no frame
 * steps over it), as a VMAP stack has its guard page; the environment's size moves nothing on it.
 */
static int on_guarded_stack(int (*fn)(int))
{
	char *stack = mmap(NULL, GUARD_BYTES + STACK_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			   -1, 0);

	if (stack == MAP_FAILED || mprotect(stack, GUARD_BYTES, PROT_NONE) || getcontext(&guarded_context))
		abort();
	guarded_context.uc_stack.ss_sp = stack + GUARD_BYTES;
	guarded_context.uc_stack.ss_size = STACK_BYTES;
	guarded_context.uc_link = &main_context;
	guarded_fn = fn;
	makecontext(&guarded_context, guarded_entry, 0);
	swapcontext(&main_context, &guarded_context);
	return guarded_result;
}

int main(int argc, char **argv)
{
	const char *s = argc > 1 ? argv[1] : "";

	if (!strcmp(s, "read_type"))
		return (int)read_type(bad_adapter);
	if (!strcmp(s, "after_call"))
		return (int)after_call(bad_adapter);
	if (!strcmp(s, "sum_tbl"))
		return sum_tbl(bad_adapter, 4);
	if (!strcmp(s, "read_tbl"))
		return read_tbl(bad_adapter, 5);
	if (!strcmp(s, "write_half"))
		write_half(bad_adapter, 7);
	if (!strcmp(s, "read_count"))
		return read_count(bad_adapter);
	if (!strcmp(s, "call_cb"))
		call_cb(bad_adapter);
	if (!strcmp(s, "call_member"))
		call_cb(&quiet_adapter);
	if (!strcmp(s, "call_fn"))
		call_fn(bad_fn);
	if (!strcmp(s, "stack_ptr"))
		return stack_ptr();
	if (!strcmp(s, "tail_fn"))
		tail_fn(bad_fn);
	if (!strcmp(s, "tail_member"))
		tail_cb(&quiet_adapter);
	if (!strcmp(s, "tail_either"))
		tail_either(argc, bad_fn, bad_fn);
	if (!strcmp(s, "tail_chosen"))
		tail_either(argc, bad_fn, (void (*)(int))side_effect);
	if (!strcmp(s, "guard_stos"))
		return on_guarded_stack(guard_stos);
	if (!strcmp(s, "guard_down"))
		return on_guarded_stack(guard_down);
	if (!strcmp(s, "guard_member"))
		return on_guarded_stack(guard_member);
	return 0;
}
