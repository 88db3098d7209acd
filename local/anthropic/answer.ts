// The default reply: a short markdown answer (heading, list, code block) built only from the user's words.
import { pickOne, seededRandom } from './ids';

const MAX_TOPIC_WORDS = 10;
const MAX_TOPIC_CHARS = 72;

/** The user's message reduced to a short, markdown-safe phrase that the answer can quote. */
export function topicOf(userText: string): string {
  const words = userText
    .replace(/[`*_#>[\]()<>{}|\\~"]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .split(' ')
    .filter((word) => word.length > 0)
    .slice(0, MAX_TOPIC_WORDS);
  const topic = words
    .join(' ')
    .slice(0, MAX_TOPIC_CHARS)
    .replace(/[\s.,;:!?'-]+$/, '');
  return topic.length > 0 ? topic : 'your question';
}

const OPENINGS = [
  'Good question. Here is a short, structured answer you can skim in a minute.',
  'Happy to help with that. Below is a compact overview, followed by a small example.',
  'Let me break this down into a few clear points and a concrete example.',
] as const;

type PointSet = readonly (readonly [label: string, sentence: string])[];

const POINT_SETS: readonly [PointSet, ...PointSet[]] = [
  [
    ['Start small', 'pin down the one thing you want to learn or build, and write it as a single sentence.'],
    ['Make it concrete', 'try the idea on a tiny example before you generalise it to the real problem.'],
    ['Check the result', 'compare what happened with what you expected, then adjust one thing at a time.'],
  ],
  [
    ['Context', 'it helps to know where this fits, what it depends on, and what depends on it.'],
    ['Core idea', 'most of the value comes from a simple rule applied consistently, not from clever tricks.'],
    ['Trade-offs', 'every choice costs something, so name the cost and decide whether it is worth paying.'],
  ],
  [
    ['What it is', 'a way to turn a vague goal into a few steps you can actually take today.'],
    ['Why it matters', 'clear steps make progress visible, which keeps you moving when things get hard.'],
    ['How to begin', 'pick the smallest useful step, finish it, and let the next one reveal itself.'],
  ],
];

const STEP_SETS: readonly [readonly string[], ...(readonly string[])[]] = [
  [
    'Write down what a good outcome looks like, in one or two sentences, before doing anything else.',
    'Gather the few facts or tools you really need, and set aside everything that is only nice to have.',
    'Do a first rough pass end to end, even if it is clumsy, so you can see the whole shape of it.',
    'Review the result with fresh eyes, keep what works, and improve the weakest part first.',
  ],
  [
    'Split the problem into parts that can be understood on their own.',
    'Solve the easiest part first; it often teaches you how to approach the harder ones.',
    'Connect the parts and test them together, since most surprises live at the boundaries.',
    'Write down what you learned, so the next attempt starts from a better place.',
  ],
];

const PITFALLS = [
  'A common mistake is trying to get everything perfect on the first attempt; a quick draft that you revise is usually faster and better.',
  'The usual trap is changing several things at once, which makes it hard to tell which change actually helped.',
  'Watch out for skipping the review step: small errors early on tend to grow into big ones later.',
] as const;

const CLOSINGS = [
  'If you share a bit more about your situation, I can tailor this further.',
  'Want me to go deeper on any of these points, or adapt the example to your case?',
  'That should be enough to get started; ask again if something is unclear.',
] as const;

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A markdown answer of roughly 100 to 200 streamed deltas, the same every time for the same user text. */
export function composeAnswer(userText: string): string {
  const random = seededRandom(`answer:${userText}`);
  const topic = topicOf(userText);
  const points = pickOne(random, POINT_SETS);
  const steps = pickOne(random, STEP_SETS);
  return [
    `## ${capitalise(topic)}`,
    '',
    `${pickOne(random, OPENINGS)} You asked about *${topic}*, so everything below is framed around that.`,
    '',
    '### Key points',
    '',
    ...points.map(([label, sentence]) => `- **${label}:** ${sentence}`),
    '',
    '### Step by step',
    '',
    ...steps.map((step, index) => `${index + 1}. ${step}`),
    '',
    'Here is a small sketch that turns the idea into a checklist:',
    '',
    '```ts',
    `const topic = ${JSON.stringify(topic)};`,
    '',
    'function checklist(subject: string): string[] {',
    "  const steps = ['define the goal', 'gather what you need', 'draft', 'review'];",
    "  return steps.map((step, index) => [index + 1, step, 'for', subject].join(' '));",
    '}',
    '',
    'for (const line of checklist(topic)) {',
    '  console.log(line);',
    '}',
    '```',
    '',
    'The sketch is deliberately tiny: it only prints the steps, but the same shape works for a real plan once you replace the strings with your own.',
    '',
    '### Pitfalls',
    '',
    pickOne(random, PITFALLS),
    '',
    pickOne(random, CLOSINGS),
  ].join('\n');
}
