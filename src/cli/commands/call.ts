// placeholder replaced below
export async function callCommand(_argv: string[]): Promise<number> {
  return 2
}
