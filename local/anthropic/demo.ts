// Recognises the `/demo <name>` commands a user can type to pick a scripted reply.
export const DEMO_COMMANDS = ['long', 'slow', 'thinking', 'tool', 'error', 'stall', 'help'] as const;

export type DemoCommand = (typeof DEMO_COMMANDS)[number];

export type ReplyKind = { kind: 'answer' } | { kind: 'demo'; command: DemoCommand };

function isDemoCommand(name: string): name is DemoCommand {
  return (DEMO_COMMANDS as readonly string[]).includes(name);
}

/**
 * `/demo <name>` (trimmed, case-insensitive) selects a scripted reply; `/demo` alone or an unknown name
 * gives the help text; anything else gets the default answer.
 */
export function replyKindOf(userText: string): ReplyKind {
  const match = /^\/demo(?:\s+(.*))?$/is.exec(userText.trim());
  if (!match) return { kind: 'answer' };
  const name = (match[1] ?? '').trim().toLowerCase();
  return { kind: 'demo', command: isDemoCommand(name) ? name : 'help' };
}
