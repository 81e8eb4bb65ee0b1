// Tigrinya in Ge'ez script: the consonants in the order of the Fidel as taught in school
// (ሀ ለ ሐ መ ...), with Tigrinya's own ቐ and ኸ, then the seven vowel orders (ä u i a e ə o).
// A consonant key types the consonant (ሰ); a vowel key turns the syllable before the
// cursor into that order (ሰ + u -> ሱ), see geez.js. Each vowel key shows what it would
// write there. Rarer letters are a long press away: ኀ on ሀ, ሠ on ሰ, and the labiovelars
// ቈ ቘ ኰ ዀ ጐ on ቀ ቐ ከ ኸ ገ.
//
// Why the vowel keys work in JavaScript here rather than in an input method of their own:
// Qt's plain input method commits every key at once, so the syllable to change is already
// in the field, and InputContext.commit() can replace the character before the cursor
// (what a QInputMethodEvent's replacement does for any Qt text field). Nothing is held
// back as pre-edit text that focus changes, cursor moves or the kiosk's wipe of a visit
// would have to commit or drop; a custom InputMethod would need all of that and would
// also take over the shared symbol layout.
import QtQuick
import QtQuick.Layouts
import QtQuick.VirtualKeyboard
import QtQuick.VirtualKeyboard.Components
import "geez.js" as Geez

KeyboardLayout {
    inputMode: InputEngine.InputMode.Latin
    keyWeight: 160
    smallTextVisible: true
    readonly property real normalKeyWidth: normalKey.width
    readonly property real functionKeyWidth: mapFromItem(normalKey, normalKey.width / 2, 0).x

    component VowelKey: Key {
        id: vowelKey
        property int order
        // the character left of the cursor ("" where a selection would be replaced)
        readonly property string before: InputContext.selectedText.length === 0
                                          && InputContext.cursorPosition > 0
                                          ? InputContext.surroundingText.charAt(InputContext.cursorPosition - 1)
                                          : ""
        readonly property var typed: Geez.vowel(before, order)
        text: Geez.ORDERS[order]
        displayText: typed ? typed.text : text
        smallText: text
        noKeyEvent: true
        noModifier: true
        enabled: typed !== null
        onClicked: {
            if (vowelKey.typed)
                InputContext.commit(vowelKey.typed.text, -vowelKey.typed.replace, vowelKey.typed.replace)
        }
    }

    KeyboardRow {
        Key { text: "ሀ"; alternativeKeys: "ሀኀ" }
        Key { id: normalKey; text: "ለ" }
        Key { text: "ሐ" }
        Key { text: "መ" }
        Key { text: "ረ" }
        Key { text: "ሰ"; alternativeKeys: "ሰሠ" }
        Key { text: "ሸ" }
        Key { text: "ቀ"; alternativeKeys: "ቀቈ" }
        Key { text: "ቐ"; alternativeKeys: "ቐቘ" }
        Key { text: "በ" }
        Key { text: "ቨ" }
    }
    KeyboardRow {
        Key { text: "ተ" }
        Key { text: "ቸ" }
        Key { text: "ነ" }
        Key { text: "ኘ" }
        Key { text: "አ" }
        Key { text: "ከ"; alternativeKeys: "ከኰ" }
        Key { text: "ኸ"; alternativeKeys: "ኸዀ" }
        Key { text: "ወ" }
        Key { text: "ዐ" }
        Key { text: "ዘ" }
        Key { text: "ዠ" }
    }
    KeyboardRow {
        Key { text: "የ" }
        Key { text: "ደ" }
        Key { text: "ጀ" }
        Key { text: "ገ"; alternativeKeys: "ገጐ" }
        Key { text: "ጠ" }
        Key { text: "ጨ" }
        Key { text: "ጰ" }
        Key { text: "ጸ" }
        Key { text: "ፀ" }
        Key { text: "ፈ" }
        Key { text: "ፐ" }
    }
    KeyboardRow {
        VowelKey { order: 0 }
        VowelKey { order: 1 }
        VowelKey { order: 2 }
        VowelKey { order: 3 }
        VowelKey { order: 4 }
        VowelKey { order: 5 }
        VowelKey { order: 6 }
        BackspaceKey { weight: functionKeyWidth; Layout.fillWidth: false }
    }
    KeyboardRow {
        SymbolModeKey { weight: functionKeyWidth; Layout.fillWidth: false }
        ChangeLanguageKey { weight: normalKeyWidth; Layout.fillWidth: false }
        Key {
            key: Qt.Key_Comma
            weight: normalKeyWidth
            Layout.fillWidth: false
            text: "፣"
            alternativeKeys: "፣,፤"
            highlighted: true
        }
        SpaceKey {}
        Key {
            key: Qt.Key_Period
            weight: normalKeyWidth
            Layout.fillWidth: false
            text: "።"
            alternativeKeys: "።፧!?."
            smallText: "፧"
            highlighted: true
        }
        HideKeyboardKey { weight: normalKeyWidth; Layout.fillWidth: false }
        EnterKey { weight: functionKeyWidth; Layout.fillWidth: false }
    }
}
