import { gbnfCharClass } from './gbnf-rule-set.js';

/**
 * The GBNF of a JSON string that is none of `names` (an additional property's key beside
 * declared ones): llama.cpp's `_not_strings` (common/json-schema-to-grammar.cpp), a trie of the
 * names where each level may leave it by another character. Each key starts with a character
 * written unescaped, so an escape cannot spell a declared name; `char` is the rule of one JSON
 * string character.
 */
export function notStringsGbnf(names: string[], char: string): string {
  interface Node { children: Map<number, Node>; end: boolean }
  const trie: Node = { children: new Map(), end: false };
  for (const n of names) {
    let node = trie;
    for (const ch of n) {
      const cp = ch.codePointAt(0)!;
      if (!node.children.has(cp)) node.children.set(cp, { children: new Map(), end: false });
      node = node.children.get(cp)!;
    }
    node.end = true;
  }
  const plainFirst = [[0x00, 0x1f], [0x22, 0x22], [0x5c, 0x5c]] as Array<[number, number]>;
  const visit = (node: Node): string => {
    const alts: string[] = [];
    for (const [cp, child] of node.children) {
      // A character JSON must escape is left out (keys are written from unescaped characters).
      if (cp < 0x20 || cp === 0x22 || cp === 0x5c) continue;
      const c = gbnfCharClass([[cp, cp]]);
      alts.push(child.children.size ? `${c} ( ${visit(child)} )` : `${c} ${char}+`);
    }
    const rejects = [...node.children.keys()].map((cp) => [cp, cp] as [number, number]);
    alts.push(`${gbnfCharClass(normalizeRanges([...plainFirst, ...rejects]), true)} ${char}*`);
    return alts.join(' | ');
  };
  return `"\\"" ( ${visit(trie)} )${trie.end ? '' : '?'} "\\""`;
}

function normalizeRanges(ranges: Array<[number, number]>): Array<[number, number]> {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: Array<[number, number]> = [];
  for (const [lo, hi] of sorted) {
    const last = out.at(-1);
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}
