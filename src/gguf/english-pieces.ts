/**
 * The text the generated tokenizer knows as whole pieces. Hand-picked common English words in
 * rough frequency order (the order becomes the SentencePiece scores, so earlier wins), plus
 * word endings that let unknown words split into sensible parts. Changing these lists changes
 * every generated model file, so bump the generator version of any cache keyed on them.
 */

/** Common English words, most frequent first. Each becomes a `▁word` piece. */
export const COMMON_WORDS: readonly string[] = `
the of and to a in is it you that he was for on are with as I his they be at one have this
from or had by not word but what some we can out other were all there when up use your how said
an each she which do their time if will way about many then them write would like so these her
long make thing see him two has look more day could go come did number sound no most people my
over know water than call first who may down side been now find any new work part take get place
made live where after back little only round man year came show every good me give our under
name very through just form sentence great think say help low line differ turn cause much mean
before move right boy old too same tell does set three want air well also play small end put home
read hand port large spell add even land here must big high such follow act why ask men change
went light kind off need house picture try us again animal point mother world near build self
earth father head stand own page should country found answer school grow study still learn plant
cover food sun four between state keep eye never last let thought city tree cross farm hard start
might story saw far sea draw left late run while press close night real life few north open seem
together next white children begin got walk example ease paper group always music those both mark
often letter until mile river car feet care second book carry took science eat room friend began
idea fish mountain stop once base hear horse cut sure watch color face wood main enough plain girl
usual young ready above ever red list though feel talk bird soon body dog family direct pose leave
song measure door product black short numeral class wind question happen complete ship area half
rock order fire south problem piece told knew pass since top whole king space heard best hour
better true during hundred five remember step early hold west ground interest reach fast verb sing
listen six table travel less morning ten simple several vowel toward war lay against pattern slow
center love person money serve appear road map rain rule govern pull cold notice voice unit power
town fine certain fly fall lead cry dark machine note wait plan figure star box noun field rest
correct able pound done beauty drive stood contain front teach week final gave green quick develop
ocean warm free minute strong special mind behind clear tail produce fact street inch multiply
nothing course stay wheel full force blue object decide surface deep moon island foot system busy
test record boat common gold possible plane stead dry wonder laugh thousand ago ran check game
shape equate hot miss brought heat snow tire bring yes distant fill east paint language among
model data code file text server request response user message content token system function
value return type error string number list object input output model chat answer hello thanks
please today tomorrow yesterday question help explain write story poem summary hi upon named
`.trim().split(/\s+/).filter((w, i, all) => all.indexOf(w) === i);

/**
 * Words that also get a capitalized `▁Word` piece, for sentence starts: the 160 commonest and
 * the usual openers of prompts and stories.
 */
export const CAPITALIZED_WORDS: ReadonlySet<string> = new Set([
  ...COMMON_WORDS.slice(0, 160),
  ...'hello hi once there please thanks yes here today write explain tell give who why'.split(' '),
]);

/**
 * Word-internal pieces without the `▁` marker: endings and frequent letter groups, so words
 * outside the list split into a stem and an ending rather than single letters.
 */
export const WORD_PARTS: readonly string[] = `
th he in er an re on at en nd ti es or te of ed is it al ar st to nt ng se ha as ou io le ve co me
de hi ri ro ic ne ea ra ce li ch ll be ma si om ur ca el ta la ns di fo ho pe ec pr no ct us ac ot
il tr ly nc et ut ss so rs un lo wa ge ie wh ee wi em ad ol rt po we na ul ni ts mo ow pa im mi ai
sh ir su id os iv ia am fi ci vi pl ig tu ev ld ry mp fe bl ab gh ty op wo sa ay ex ke fr oo av ag if
ing ion ent tion ation ions ers ies ness ment ments able ible ful less ous ive ity ize ise ally ical
ence ance est ism ist ted ting ling ning ring ated ating ings ery ory ary ward wise like ship hood
`.trim().split(/\s+/).filter((w, i, all) => all.indexOf(w) === i);

/**
 * Characters every vocabulary holds as single-character pieces: printable ASCII and a few
 * common typographic marks. Anything else falls back to `<0xNN>` byte tokens.
 */
export const SINGLE_CHARACTERS: readonly string[] = [
  ...Array.from({ length: 0x7e - 0x21 + 1 }, (_, i) => String.fromCharCode(0x21 + i)),
  '’', '‘', '“', '”', '—', '–', '…', 'é',
];
