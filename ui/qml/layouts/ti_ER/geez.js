// Ge'ez (Ethiopic) syllables for the Tigrinya keyboard (main.qml).
//
// A consonant key types the consonant in its first order (ሰ, sä). A vowel key then gives
// the syllable before the cursor another of the seven orders (ሰ + u -> ሱ; ሱ + a -> ሳ, a
// correction); with no syllable before the cursor it writes the vowel on its own, which
// Ge'ez writes on the glottal consonant አ (u -> ኡ).
//
// Computed from the layout of Unicode's Ethiopic block (U+1200-U+137F): each consonant has
// a row of eight code points starting at a multiple of eight from U+1200, with the seven
// orders at offsets 0-6 (ä u i a e ə o). Irregular parts:
// - the labiovelar rows (ቈ ቘ ኈ ኰ ዀ ጐ: qwä, qhwä, xwä, kwä, kxwä, gwä) have only the
//   orders ä i a e ə; u and o give nothing (the key is greyed, see main.qml);
// - the eighth code point of a row differs from row to row (ሏ lwa, ሇ hoa, ዏ woa, none
//   for ቐ): no key gives it; a vowel after it gives that row's order like any other;
// - past U+1357 the block holds three odd syllables (ፘ ፙ ፚ), punctuation and numbers:
//   not syllables a vowel key changes.
// Kept free of QML so that tests can run it in a plain JavaScript engine.

var ORDERS = ["ä", "u", "i", "a", "e", "ə", "o"]
var FIRST = 0x1200
var LAST = 0x1357
var GLOTTAL = 0x12A0
var LABIOVELAR_ROWS = [0x1248, 0x1258, 0x1288, 0x12B0, 0x12C0, 0x1310]
var LABIOVELAR_ORDERS = [0, 2, 3, 4, 5]

// The first code point of the row *character* belongs to, or -1 for anything else.
function rowOf(character) {
    if (character.length !== 1)
        return -1
    var code = character.charCodeAt(0)
    if (code < FIRST || code > LAST)
        return -1
    return code - (code - FIRST) % 8
}

// The syllable of *row* in *order* (0-6), or "" where Ge'ez has none.
function syllable(row, order) {
    if (LABIOVELAR_ROWS.indexOf(row) !== -1 && LABIOVELAR_ORDERS.indexOf(order) === -1)
        return ""
    return String.fromCharCode(row + order)
}

// What the vowel key of *order* does after *before* (the character left of the cursor,
// "" at the start): {replace: characters it replaces before the cursor, text: what it
// writes}, or null where the syllable before the cursor has no such order.
function vowel(before, order) {
    var row = rowOf(before)
    if (row === -1)
        return {replace: 0, text: syllable(GLOTTAL, order)}
    var text = syllable(row, order)
    return text ? {replace: 1, text: text} : null
}
