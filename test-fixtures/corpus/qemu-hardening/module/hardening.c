// SPDX-License-Identifier: GPL-2.0
/*
 * hardening.ko - deliberately broken module that trips the kernel's own
 * debugging and hardening checks (SLUB debug, hardened usercopy,
 * FORTIFY_SOURCE, stack protector, VMAP stack guard page, scheduling while
 * atomic) so that real reports with known source locations can be captured.
 * Boot with slub_debug=FZPU for the slab scenarios.
 *
 * Trigger: echo <name> > /proc/hardening
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/init.h>
#include <linux/proc_fs.h>
#include <linux/uaccess.h>
#include <linux/string.h>
#include <linux/slab.h>
#include <linux/delay.h>
#include <linux/spinlock.h>

static volatile int hard_sink;
/* Sizes and indexes are read through volatiles so that the compiler cannot
 * prove the overflow at build time (FORTIFY would refuse to build it). */
static volatile size_t hard_len64 = 64;
static volatile size_t hard_len128 = 128;
static volatile size_t hard_len40 = 40;
static char hard_long_src[] = "this string is far longer than sixteen bytes";
static DEFINE_SPINLOCK(hard_lock);

/* ---------- SLUB: write one past a kmalloc(64) object (Right Redzone) ---------- */
static noinline void hard_slub_overrun_write(char *p)
{
	p[hard_len64] = 0x5a;			/* one byte past the object */
}

static noinline void hard_slub_redzone(void)
{
	char *p = kmalloc(64, GFP_KERNEL);

	pr_info("hardening: slub_redzone\n");
	if (!p)
		return;
	hard_slub_overrun_write(p);
	kfree(p);				/* SLUB debug checks the redzone here */
}

/* ---------- SLUB: double free ---------- */
static noinline void hard_slub_free_again(void *p)
{
	kfree(p);
}

static noinline void hard_slub_double_free(void)
{
	void *p = kmalloc(64, GFP_KERNEL);

	pr_info("hardening: slub_double_free\n");
	if (!p)
		return;
	kfree(p);
	hard_slub_free_again(p);		/* Object already free */
}

/* ---------- SLUB: write after free, found by the next allocation ---------- */
static noinline void hard_slub_uaf_write(unsigned long *p)
{
	p[2] = 0xdeadbeef;
}

static noinline void hard_slub_poison(void)
{
	unsigned long *p = kmalloc(64, GFP_KERNEL);
	void *q;

	pr_info("hardening: slub_poison\n");
	if (!p)
		return;
	kfree(p);
	hard_slub_uaf_write(p);			/* Poison overwritten */
	q = kmalloc(64, GFP_KERNEL);		/* the same object again: checked */
	kfree(q);
}

/* ---------- hardened usercopy: copy past a kmalloc(64) object ---------- */
static noinline int hard_usercopy_leak(char __user *ubuf)
{
	char *p = kzalloc(64, GFP_KERNEL);
	int ret;

	if (!p)
		return -ENOMEM;
	ret = copy_to_user(ubuf, p, hard_len128);	/* exposure of 128 bytes */
	kfree(p);
	return ret;
}

/* ---------- hardened usercopy: the size is hidden from the compiler ---------- */
static noinline __attribute__((noipa)) void *hard_alloc_hidden(size_t size)
{
	return kzalloc(size, GFP_KERNEL);
}

static noinline int hard_usercopy_slab(char __user *ubuf)
{
	char *p = hard_alloc_hidden(hard_len64);
	int ret;

	if (!p)
		return -ENOMEM;
	ret = copy_to_user(ubuf, p, hard_len128);	/* past the kmalloc-64 object */
	kfree(p);
	return ret;
}

/* ---------- FORTIFY_SOURCE: strcpy into a 16-byte buffer ---------- */
static noinline void hard_fortify(void)
{
	char buf[16];

	pr_info("hardening: fortify\n");
	strcpy(buf, hard_long_src);		/* fortify_panic("strcpy") */
	hard_sink = buf[0];
}

/* ---------- stack protector: smash the canary ---------- */
static noinline void hard_stack_smash(void)
{
	char buf[16];
	size_t i;

	pr_info("hardening: stack_smash\n");
	for (i = 0; i < hard_len40; i++)
		((volatile char *)buf)[i] = 'A';	/* runs over the canary */
	hard_sink = buf[3];
}

/* ---------- VMAP stack: unbounded recursion hits the guard page ---------- */
static noinline int hard_recurse(int depth)
{
	volatile char pad[256];

	pad[0] = (char)depth;
	pad[255] = (char)depth;
	return hard_recurse(depth + 1) + pad[hard_sink & 1];
}

/* ---------- sleeping under a spinlock ---------- */
static noinline void hard_sleep_atomic(void)
{
	pr_info("hardening: sleep_atomic\n");
	spin_lock(&hard_lock);
	msleep(20);				/* scheduling while atomic */
	spin_unlock(&hard_lock);
}

static noinline int hard_dispatch(const char *cmd, char __user *ubuf)
{
	if (!strcmp(cmd, "slub_redzone"))
		hard_slub_redzone();
	else if (!strcmp(cmd, "slub_double_free"))
		hard_slub_double_free();
	else if (!strcmp(cmd, "slub_poison"))
		hard_slub_poison();
	else if (!strcmp(cmd, "usercopy"))
		return hard_usercopy_leak(ubuf);
	else if (!strcmp(cmd, "usercopy_slab"))
		return hard_usercopy_slab(ubuf);
	else if (!strcmp(cmd, "fortify"))
		hard_fortify();
	else if (!strcmp(cmd, "stack_smash"))
		hard_stack_smash();
	else if (!strcmp(cmd, "recursion"))
		hard_sink = hard_recurse(0);
	else if (!strcmp(cmd, "sleep_atomic"))
		hard_sleep_atomic();
	else
		return -EINVAL;
	return 0;
}

static ssize_t hard_proc_write(struct file *file, const char __user *ubuf,
			       size_t len, loff_t *off)
{
	char buf[32];
	int ret;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = 0;
	ret = hard_dispatch(strim(buf), (char __user *)ubuf);
	return ret ? ret : len;
}

static const struct proc_ops hard_proc_ops = {
	.proc_write = hard_proc_write,
};

static int __init hard_init(void)
{
	if (!proc_create("hardening", 0200, NULL, &hard_proc_ops))
		return -ENOMEM;
	return 0;
}

static void __exit hard_exit(void)
{
	remove_proc_entry("hardening", NULL);
}

module_init(hard_init);
module_exit(hard_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Trips SLUB debug, usercopy, FORTIFY, stack protector and stack guard checks");
