// Pashto, as written in Afghanistan: every letter of the alphabet on a key of its own.
// The letters Pashto shares with Persian sit where Afghanistan's Persian keyboards have
// them (Qt's fa_FA); Pashto's own letters (ګ ښ ږ ځ څ ټ ډ ړ ڼ ې ۍ ي ئ) fill the rest,
// next to their relatives where there is room. The locale's script makes the field
// right-to-left, as with Arabic and Persian.
import QtQuick
import QtQuick.Layouts
import QtQuick.VirtualKeyboard
import QtQuick.VirtualKeyboard.Components

KeyboardLayout {
    inputMode: InputEngine.InputMode.Arabic
    keyWeight: 160
    smallTextVisible: true
    readonly property real normalKeyWidth: normalKey.width
    readonly property real functionKeyWidth: mapFromItem(normalKey, normalKey.width / 2, 0).x
    KeyboardRow {
        Key { text: "ض" }
        Key { id: normalKey; text: "ص" }
        Key { text: "ث" }
        Key { text: "ق" }
        Key { text: "ف" }
        Key { text: "غ" }
        Key { text: "ع" }
        Key { text: "ه"; alternativeKeys: "هۀة" }
        Key { text: "خ" }
        Key { text: "ح" }
        Key { text: "ج" }
        Key { text: "چ" }
    }
    KeyboardRow {
        Key { text: "ش" }
        Key { text: "س" }
        Key { text: "ی" }
        Key { text: "ب" }
        Key { text: "ل" }
        Key { text: "ا"; alternativeKeys: "اآأ" }
        Key { text: "ت" }
        Key { text: "ن" }
        Key { text: "م" }
        Key { text: "ک" }
        Key { text: "ګ" }
        Key { text: "ښ" }
    }
    KeyboardRow {
        Key { text: "ظ" }
        Key { text: "ط" }
        Key { text: "ز" }
        Key { text: "ر" }
        Key { text: "ذ" }
        Key { text: "د" }
        Key { text: "پ" }
        Key { text: "و"; alternativeKeys: "وؤ" }
        Key { text: "ږ" }
        Key { text: "ژ" }
        Key { text: "ځ" }
        Key { text: "څ" }
    }
    KeyboardRow {
        Key { text: "ټ" }
        Key { text: "ډ" }
        Key { text: "ړ" }
        Key { text: "ڼ" }
        Key { text: "ې" }
        Key { text: "ۍ" }
        Key { text: "ي" }
        Key { text: "ئ"; alternativeKeys: "ئء" }
        BackspaceKey { weight: functionKeyWidth; Layout.fillWidth: false }
    }
    KeyboardRow {
        SymbolModeKey { weight: functionKeyWidth; Layout.fillWidth: false }
        ChangeLanguageKey { weight: normalKeyWidth; Layout.fillWidth: false }
        Key {
            key: Qt.Key_Comma
            weight: normalKeyWidth
            Layout.fillWidth: false
            text: "،"
            alternativeKeys: "،,؛"
            highlighted: true
        }
        SpaceKey {}
        Key {
            key: Qt.Key_Period
            weight: normalKeyWidth
            Layout.fillWidth: false
            text: "."
            alternativeKeys: "!.؟"
            smallText: "؟"
            highlighted: true
        }
        HideKeyboardKey { weight: normalKeyWidth; Layout.fillWidth: false }
        EnterKey { weight: functionKeyWidth; Layout.fillWidth: false }
    }
}
