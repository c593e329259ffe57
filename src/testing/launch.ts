// Test harness. Builds the command line that starts a private libvirtd: as root, inside its own
// mount namespace (overlayfs on tmpfs over /etc /var /run, so nothing reaches the host or a system
// daemon) and, unless it must listen on TCP, its own network namespace. Pure: nothing is spawned.

/** What `planLaunch` needs to know. */
export interface LaunchInput {
  dir: string
  libvirtd: string
  /** When set (root only), the daemon runs in a private mount namespace. */
  unshare: string | undefined
  /** When set, the daemon runs under `tini -s` so QEMU zombies are reaped at once. */
  tini: string | undefined
  /** Used (without tini) to give the daemon a parent-death signal. */
  setpriv: string | undefined
  qemu: boolean
  listen: boolean
  env: Readonly<Record<string, string>>
}

/** A command to spawn. */
export interface LaunchPlan {
  command: string
  args: string[]
  env: Record<string, string>
  /** True when the daemon runs in its own mount namespace. */
  namespaced: boolean
}

// Runs as root inside the new mount namespace, then execs the daemon. $0 is the state dir.
// The overlay upper layers live on a tmpfs that exists only in this namespace: whatever the
// daemon writes under /etc /var /run vanishes with it. Files under $0/seed/{etc,var,run} are
// copied in first (qemu.conf, or anything a test puts there).
const NAMESPACE_SCRIPT = `set -e
mount -t tmpfs -o mode=0755 libvirt-async-test "$0/ovl"
for d in etc var run; do
  mkdir -p "$0/ovl/$d/u" "$0/ovl/$d/w"
  if [ -d "$0/seed/$d" ]; then cp -a "$0/seed/$d/." "$0/ovl/$d/u/"; fi
  mount -t overlay overlay -o "lowerdir=/$d,upperdir=$0/ovl/$d/u,workdir=$0/ovl/$d/w" "/$d"
done
if [ "$LIBVIRT_ASYNC_TEST_QEMU" = 1 ] && ! getent passwd libvirt-qemu >/dev/null; then
  useradd --system --user-group --no-create-home -d /var/lib/libvirt -s /usr/sbin/nologin libvirt-qemu
fi
unset LIBVIRT_ASYNC_TEST_QEMU
# a new network namespace starts with its loopback down: bring it up (a VM's VNC on 127.0.0.1, the
# daemon's own 127.0.0.1 connections); in the host's namespace it is up already
if [ "$LIBVIRT_ASYNC_TEST_NETNS" = 1 ]; then ip link set lo up; fi
unset LIBVIRT_ASYNC_TEST_NETNS
exec "$@"`

/** Work out how to start the daemon; see the file header for what each mode isolates. */
export function planLaunch(input: LaunchInput): LaunchPlan {
  const { dir } = input
  const daemon = [input.libvirtd, '--config', `${dir}/libvirtd.conf`, '--pid-file', `${dir}/libvirtd.pid`]
  if (input.listen) daemon.push('--listen')
  const env: Record<string, string> = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C' }
  // an empty driver dir loads no driver module: test driver only, and no libvirt-qemu account needed
  if (!input.qemu) env.LIBVIRT_DRIVER_DIR = `${dir}/no-drivers`
  // If this process dies without running its exit hooks (SIGKILL), the kernel sends the daemon's
  // parent a SIGTERM: tini forwards it to libvirtd; without tini, libvirtd gets it directly.
  const guard = input.tini
    ? [input.tini, '-s', '-p', 'SIGTERM', '--']
    : input.setpriv
      ? [input.setpriv, '--pdeathsig', 'TERM']
      : []
  if (!input.unshare) {
    // unprivileged: libvirtd keeps its runtime, config and cache under XDG dirs; point them at ours
    Object.assign(env, {
      HOME: `${dir}/home`,
      XDG_RUNTIME_DIR: `${dir}/xdg/runtime`,
      XDG_CONFIG_HOME: `${dir}/xdg/config`,
      XDG_CACHE_HOME: `${dir}/xdg/cache`,
      XDG_DATA_HOME: `${dir}/xdg/data`,
    })
    Object.assign(env, input.env)
    const [command, ...args] = [...guard, ...daemon]
    return { command: command!, args, env, namespaced: false }
  }
  env.LIBVIRT_ASYNC_TEST_QEMU = input.qemu ? '1' : '0'
  env.LIBVIRT_ASYNC_TEST_NETNS = input.listen ? '0' : '1'
  Object.assign(env, input.env)
  const unshareArgs = ['--mount', '--propagation', 'private']
  // a private network namespace has its own loopback, so TCP/TLS tests need the host's
  if (!input.listen) unshareArgs.push('--net')
  // unshare and sh exec: libvirtd is the guard's direct child (or our own, without a guard)
  const [command, ...args] = [...guard, input.unshare, ...unshareArgs, '/bin/sh', '-c', NAMESPACE_SCRIPT, dir, ...daemon]
  return { command: command!, args, env, namespaced: true }
}
