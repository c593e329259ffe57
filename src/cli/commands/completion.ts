// CLI `completion bash|zsh`: prints the completion script for that shell on stdout.

import { bashCompletion, zshCompletion } from '../completion.js'
import { EXIT, usage } from '../exit.js'

export const COMPLETION_HELP = `Usage: libvirt-async completion bash|zsh

Prints a shell completion script: commands, their options, method names after \`call\`, and file
names for upload, download and @path arguments.

  bash:  source <(libvirt-async completion bash)      (or save it in /etc/bash_completion.d/)
  zsh:   source <(libvirt-async completion zsh)       (or save it as _libvirt-async in $fpath)

Exit codes: 0 success, 2 no or unknown shell.`

export function completionCommand(commands: readonly string[], summaries: Readonly<Record<string, string>>) {
  return async (argv: string[]): Promise<number> => {
    if (argv.includes('-h') || argv.includes('--help')) {
      process.stdout.write(`${COMPLETION_HELP}\n`)
      return EXIT.OK
    }
    const [shell, ...extra] = argv
    if (extra.length > 0) throw usage(`completion takes one shell: ${argv.join(' ')}`)
    if (shell === 'bash') process.stdout.write(bashCompletion(commands))
    else if (shell === 'zsh') process.stdout.write(zshCompletion(commands, summaries))
    else throw usage(shell === undefined ? 'completion needs a shell: bash or zsh' : `unknown shell ${JSON.stringify(shell)}: bash or zsh`)
    return EXIT.OK
  }
}
