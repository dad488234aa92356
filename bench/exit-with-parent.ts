/**
 * The bench's own helper processes end when the bench does, even if it was killed outright:
 * their stdin is a pipe from it, and closes when it goes.
 */
export function exitWithParent(): void {
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('error', () => process.exit(0));
  process.stdin.resume();
  process.once('SIGTERM', () => process.exit(0));
}
