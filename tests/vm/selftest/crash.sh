# Guest script for selftest.sh: panics the kernel.
echo "selftest: crashing the kernel on purpose"
echo c >/proc/sysrq-trigger
sleep 100
