# Guest script for selftest.sh: never finishes.
echo "selftest: hanging on purpose"
sleep 100000
