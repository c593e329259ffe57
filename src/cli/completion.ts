// CLI `completion bash|zsh`: prints a shell completion script for the commands, their options,
// method names after `call` (asked of the executable itself) and file names where files go.

/** Each command's own options (besides -c/--connect, --qemu, -h/--help), with a short description. */
export const COMMAND_OPTIONS: Readonly<Record<string, ReadonlyArray<readonly [string, string]>>> = {
  demo: [],
  watch: [['--json', 'one JSON object per line']],
  console: [['--devname', 'console or serial device alias'], ['--force', 'take the console over']],
  call: [['--list', 'print every method name']],
  list: [['--all', 'inactive domains too'], ['--json', 'JSON output']],
  info: [['--json', 'JSON output']],
  upload: [['--sparse', 'send holes as holes']],
  download: [['--sparse', 'keep holes unallocated'], ['--force', 'replace an existing file']],
  completion: [],
}

const COMMON: ReadonlyArray<readonly [string, string]> = [['--connect', 'libvirt URI'], ['--qemu', 'embedded daemon with the QEMU driver'], ['--help', 'help of this command']]

const URIS = 'qemu:///system qemu:///session test:///default'

export function bashCompletion(commands: readonly string[]): string {
  const cases = commands
    .map((c) => `    ${c}) opts="${[...(COMMAND_OPTIONS[c] ?? []), ...(c === 'completion' ? [] : COMMON)].map(([o]) => o).join(' ')}" ;;`)
    .join('\n')
  return `# bash completion for libvirt-async; load with: source <(libvirt-async completion bash)
_libvirt_async() {
  local cur prev cmd opts
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=( $(compgen -W "${commands.join(' ')} --help --version" -- "$cur") )
    return
  fi
  cmd="\${COMP_WORDS[1]}"
  case "$prev" in
    -c|--connect) COMPREPLY=( $(compgen -W "${URIS}" -- "$cur") ); return ;;
  esac
  case "$cmd" in
${cases}
    *) opts="" ;;
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=( $(compgen -W "$opts" -- "$cur") )
    return
  fi
  case "$cmd" in
    completion) COMPREPLY=( $(compgen -W "bash zsh" -- "$cur") ) ;;
    call)
      if [[ "$cur" == @* ]]; then
        COMPREPLY=( $(compgen -f -P @ -- "\${cur#@}") )
      else
        COMPREPLY=( $(compgen -W "$(libvirt-async call --list 2>/dev/null)" -- "$cur") )
      fi ;;
    upload|download) COMPREPLY=( $(compgen -f -- "$cur") ) ;;
  esac
}
complete -o default -F _libvirt_async libvirt-async
`
}

export function zshCompletion(commands: readonly string[], summaries: Readonly<Record<string, string>>): string {
  const q = (s: string): string => s.replace(/'/g, "'\\''").replace(/[[\]:]/g, (c) => `\\${c}`)
  const list = commands.map((c) => `    '${c}:${q(summaries[c] ?? '')}'`).join('\n')
  const cases = commands
    .map((c) => {
      const opts = [...(COMMAND_OPTIONS[c] ?? []), ...(c === 'completion' ? [] : COMMON)]
        .map(([o, d]) => (o === '--connect' ? `'(-c --connect)'{-c,--connect}'[${q(d)}]:uri:(${URIS})'` : `'${o}[${q(d)}]'`))
      const rest =
        c === 'call' ? `'*:method:_libvirt_async_methods'` : c === 'upload' || c === 'download' ? `'*:file:_files'` : c === 'completion' ? `'1:shell:(bash zsh)'` : ''
      return `    ${c}) _arguments ${[...opts, rest].filter(Boolean).join(' ')} ;;`
    })
    .join('\n')
  return `#compdef libvirt-async
# zsh completion for libvirt-async; load with: source <(libvirt-async completion zsh)
_libvirt_async_methods() {
  local -a methods
  methods=(\${(f)"$(libvirt-async call --list 2>/dev/null)"})
  _describe 'method' methods
}
_libvirt_async() {
  local -a commands
  commands=(
${list}
  )
  if (( CURRENT == 2 )); then
    _describe 'command' commands
    return
  fi
  local cmd=$words[2]
  shift words
  (( CURRENT-- ))
  case $cmd in
${cases}
  esac
}
if [ "$funcstack[1]" = "_libvirt_async" ]; then
  _libvirt_async "$@"
else
  compdef _libvirt_async libvirt-async
fi
`
}
