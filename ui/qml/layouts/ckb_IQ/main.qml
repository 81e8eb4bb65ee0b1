// Sorani (Central Kurdish): the 33 letters of its alphabet, each on a key of its own, in
// the order of the usual Kurdish keyboards (a letter under the Latin letter it sounds
// like: ق on q, و on w, ە on e...), Sorani's own letters (ڕ ێ ۆ ڵ ڤ) beside their
// relatives. Arabic letters Sorani does not write (ث ذ ص ض ط ظ) are no keys of their own,
// only a long press away, for names spelt the Arabic way. The locale's script makes the
// field right-to-left, as with Arabic and Persian.
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
        Key { text: "ق" }
        Key { id: normalKey; text: "و"; alternativeKeys: "وؤ" }
        Key { text: "ە" }
        Key { text: "ر" }
        Key { text: "ڕ" }
        Key { text: "ت"; alternativeKeys: "تط" }
        Key { text: "ی" }
        Key { text: "ێ" }
        Key { text: "ئ"; alternativeKeys: "ئء" }
        Key { text: "ح" }
        Key { text: "ۆ" }
        Key { text: "پ" }
    }
    KeyboardRow {
        Key { text: "ا"; alternativeKeys: "اآ" }
        Key { text: "س"; alternativeKeys: "سصث" }
        Key { text: "ش" }
        Key { text: "د" }
        Key { text: "ف" }
        Key { text: "گ" }
        Key { text: "ه"; alternativeKeys: "هھ" }
        Key { text: "ژ" }
        Key { text: "ک" }
        Key { text: "ل" }
        Key { text: "ڵ" }
    }
    KeyboardRow {
        Key { text: "ز"; alternativeKeys: "زذضظ" }
        Key { text: "خ" }
        Key { text: "غ" }
        Key { text: "ج" }
        Key { text: "چ" }
        Key { text: "ڤ" }
        Key { text: "ب" }
        Key { text: "ن" }
        Key { text: "م" }
        Key { text: "ع" }
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
