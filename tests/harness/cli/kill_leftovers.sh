# Sourced by the CLI test scripts: kill_processes_naming DIR SIGKILLs every process (but this shell)
# whose command line names DIR/ — a target of the test names its work directory (its events file or
# its report), so nothing the test started outlives it.
kill_processes_naming() {
  local dir=$1 cmdline pid
  for cmdline in /proc/[0-9]*/cmdline; do
    if tr '\0' ' ' 2>/dev/null <"$cmdline" | grep -qF -- "$dir/"; then
      pid=${cmdline#/proc/}; pid=${pid%/cmdline}
      [[ $pid == "$$" ]] || { echo "left behind: pid $pid" >&2; kill -KILL "$pid" 2>/dev/null || true; }
    fi
  done
}
