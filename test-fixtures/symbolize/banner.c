/* A stand-in for a vmlinux: init/version.c's linux_banner (the release comes from -DRELEASE="…") and a
 * function with DWARF, so that the debug-file checks read the release the way they read a real kernel's. */
const char linux_banner[] = "Linux version " RELEASE " (builder@host) (gcc) #1 SMP PREEMPT_DYNAMIC\n";

int virtqueue_add(int x)
{
	return x * 2 + linux_banner[x & 7];
}

int main(int argc, char **argv)
{
	(void)argv;
	return virtqueue_add(argc);
}
