#!/usr/bin/env bash
# A real single-node SLURM on this machine, for the tests (not for production use).
#   tools/slurm_local.sh install   # Debian packages slurmctld slurmd slurm-client munge (needs root)
#   tools/slurm_local.sh start DIR # write DIR/slurm.conf, start munged, slurmctld, slurmd; wait for idle
#                                  (refused while a slurmctld or slurmd is already running)
#   tools/slurm_local.sh stop DIR  # stop the daemons by their pid files
# Clients need SLURM_CONF=DIR/slurm.conf in their environment.
set -euo pipefail
cmd=${1:?usage: slurm_local.sh install|start DIR|stop DIR}

case "$cmd" in
install)
    if command -v slurmctld >/dev/null && command -v slurmd >/dev/null && command -v sbatch >/dev/null \
        && command -v munged >/dev/null; then
        exit 0
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq slurmctld slurmd slurm-client munge >/dev/null
    ;;
start)
    dir=$(realpath -m "${2:?DIR}")
    # a daemon left by an earlier run that was killed before its stop holds the ports: the new
    # slurmd cannot start, the node stays down, and every job would pend until the test's timeout.
    # Living processes only: a stopped daemon stays a zombie until init reaps it.
    command -v pgrep >/dev/null || { echo "pgrep (procps) is needed to start SLURM here" >&2; exit 1; }
    for daemon in slurmctld slurmd; do
        if pids=$(pgrep -d ' ' -x -r D,I,R,S,T,t "$daemon"); then
            echo "a $daemon is already running (pid $pids), left by an earlier run? stop it first" >&2
            exit 1
        fi
    done
    mkdir -p "$dir"/{state,spool,log}
    # munged runs as the munge user: its folder must be reachable whatever DIR's parents allow
    munge_dir=$(mktemp -d /tmp/memtrade-munge.XXXXXX)
    chmod 755 "$munge_dir"
    ln -sfn "$munge_dir" "$dir/munge"
    host=$(hostname -s)
    cpus=$(nproc)
    mem=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 / 2 ))
    cat >"$dir/slurm.conf" <<CONF
ClusterName=memtrade
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
MinJobAge=300
SchedulerType=sched/backfill
# configless: slurmd fetches this file from slurmctld and caches it under /run/slurm/conf,
# where job steps find it (the SLURM job-step executor drops SLURM_CONF from their environment)
SlurmctldParameters=enable_configless
NodeName=$host CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
    # munge: its own socket and pid under DIR, run as the munge user
    chown munge:munge "$munge_dir"
    runuser -u munge -- /usr/sbin/munged --socket="$munge_dir/munge.socket.2" \
        --pid-file="$munge_dir/munged.pid" --log-file="$munge_dir/munged.log" --seed-file="$munge_dir/seed"
    export SLURM_CONF="$dir/slurm.conf"
    # slurmd caches the configless configuration in /run/slurm/conf; remember to remove it on stop,
    # or every later SLURM client (the executor plugin runs `scontrol show config` when Snakemake
    # starts) would wait for this cluster's controller after it is gone
    if [ ! -e /run/slurm/conf ]; then
        touch "$dir/remove_run_slurm_conf"
    fi
    # slurm finds munge through the default socket path: point it at ours
    mkdir -p /run/munge
    ln -sf "$munge_dir/munge.socket.2" /run/munge/munge.socket.2
    /usr/sbin/slurmctld -f "$dir/slurm.conf"
    /usr/sbin/slurmd --conf-server "$host"
    for _ in $(seq 1 60); do
        state=$(sinfo -h -N -o '%t' 2>/dev/null | head -n 1 || true)
        if [ "$state" = "idle" ]; then
            echo "slurm up: $SLURM_CONF"
            exit 0
        fi
        sleep 0.5
    done
    echo "slurm did not reach idle (state: ${state:-none}); logs in $dir/log" >&2
    exit 1
    ;;
stop)
    dir=$(realpath -m "${2:?DIR}")
    for pidfile in "$dir/slurmd.pid" "$dir/slurmctld.pid" "$dir/munge/munged.pid"; do
        if [ -f "$pidfile" ]; then
            kill "$(cat "$pidfile")" 2>/dev/null || true
        fi
    done
    sleep 1  # let slurmd exit before its cache is removed
    # ours to remove if it did not exist at start, or if slurmd pointed it into this cluster's spool
    # (a cache left behind by an earlier run that was killed before its stop)
    if [ -f "$dir/remove_run_slurm_conf" ] || [[ "$(readlink -f /run/slurm/conf 2>/dev/null)" == "$dir"/* ]]; then
        rm -rf /run/slurm/conf
    fi
    if [ -L "$dir/munge" ]; then
        munge_dir=$(readlink "$dir/munge")
        if [ "$(readlink /run/munge/munge.socket.2 2>/dev/null)" = "$munge_dir/munge.socket.2" ]; then
            rm -f /run/munge/munge.socket.2
        fi
        rm -rf "$munge_dir" "$dir/munge"
    fi
    ;;
*)
    echo "unknown command $cmd" >&2
    exit 2
    ;;
esac
