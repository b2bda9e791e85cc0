/** Prose for long prompts: numbered sentences, repeated to the length a benchmark asks for. */
const SENTENCES = [
  'The harbour master counted the boats that came back before the storm and wrote each name in the ledger.',
  'A gull stood on the railing of the pier, watching the fishermen mend their nets in the grey morning light.',
  'Three lanterns hung above the door of the inn, and the wind made them swing against the old stone wall.',
  'The tide had gone out so far that the children could walk to the rocks where the seals usually slept.',
  'Every evening the keeper climbed the hundred and twelve steps to trim the wick and polish the great lens.',
  'Letters from the mainland arrived twice a month, tied with string and smelling faintly of tar and salt.',
  'Clouds gathered over the western cliffs while the ferry waited at the quay for the last passengers.',
  'The baker opened his shop before dawn, and the smell of bread drifted down the narrow street to the sea.',
];

/** `(1) The harbour master ... (2) A gull ...`: `sentences` of them. */
export function fillerText(sentences: number): string {
  return Array.from({ length: sentences }, (_, k) => `(${k + 1}) ${SENTENCES[k % SENTENCES.length]}`).join(' ');
}

/**
 * How many filler sentences bring a prompt to about `targetTokens`, from two counts of the whole
 * prompt (with none and with 20): every model's tokenizer and chat template differ.
 */
export async function sentencesForTokens(targetTokens: number, promptTokens: (sentences: number) => Promise<number>): Promise<number> {
  const probe = 20;
  const base = await promptTokens(0);
  const perSentence = ((await promptTokens(probe)) - base) / probe;
  return Math.max(1, Math.round((targetTokens - base) / perSentence));
}
