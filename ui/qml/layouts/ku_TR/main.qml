// Kurmanji Kurdish, in its Latin alphabet (Hawar): QWERTY with the five letters of its own,
// ê û (top row) ş î (middle row) and ç (bottom row), on keys of their own, at the ends of
// the rows as on Turkish-Kurdish keyboards. Kurmanji is written in Latin letters, so this
// layout also serves names and addresses; a long press gives the accented letters of
// other languages' names (DIN 91379), as on Qt's English layout.
import QtQuick
import QtQuick.Layouts
import QtQuick.VirtualKeyboard
import QtQuick.VirtualKeyboard.Components

KeyboardLayout {
    inputMode: InputEngine.InputMode.Latin
    keyWeight: 160
    readonly property real normalKeyWidth: normalKey.width
    readonly property real functionKeyWidth: mapFromItem(normalKey, normalKey.width / 2, 0).x
    KeyboardRow {
        Key { key: Qt.Key_Q; text: "q" }
        Key { id: normalKey; key: Qt.Key_W; text: "w" }
        Key { key: Qt.Key_E; text: "e"; alternativeKeys: "eëèé" }
        Key { key: Qt.Key_R; text: "r"; alternativeKeys: "rŕř" }
        Key { key: Qt.Key_T; text: "t"; alternativeKeys: "tţť" }
        Key { key: Qt.Key_Y; text: "y"; alternativeKeys: "yýÿ" }
        Key { key: Qt.Key_U; text: "u"; alternativeKeys: "uüùúū" }
        Key { key: Qt.Key_I; text: "i"; alternativeKeys: "iïìíı" }
        Key { key: Qt.Key_O; text: "o"; alternativeKeys: "oöòóôõø" }
        Key { key: Qt.Key_P; text: "p" }
        Key { key: Qt.Key_Ecircumflex; text: "ê" }
        Key { key: Qt.Key_Ucircumflex; text: "û" }
    }
    KeyboardRow {
        Key { key: Qt.Key_A; text: "a"; alternativeKeys: "aäàáâãå" }
        Key { key: Qt.Key_S; text: "s"; alternativeKeys: "sšś" }
        Key { key: Qt.Key_D; text: "d"; alternativeKeys: "dđď" }
        Key { key: Qt.Key_F; text: "f" }
        Key { key: Qt.Key_G; text: "g"; alternativeKeys: "gğ" }
        Key { key: Qt.Key_H; text: "h" }
        Key { key: Qt.Key_J; text: "j" }
        Key { key: Qt.Key_K; text: "k" }
        Key { key: Qt.Key_L; text: "l"; alternativeKeys: "lłľ" }
        Key { text: "ş" }
        Key { key: Qt.Key_Icircumflex; text: "î" }
    }
    KeyboardRow {
        ShiftKey { weight: functionKeyWidth; Layout.fillWidth: false }
        Key { key: Qt.Key_Z; text: "z"; alternativeKeys: "zžż" }
        Key { key: Qt.Key_X; text: "x" }
        Key { key: Qt.Key_C; text: "c"; alternativeKeys: "cčć" }
        Key { key: Qt.Key_V; text: "v" }
        Key { key: Qt.Key_B; text: "b" }
        Key { key: Qt.Key_N; text: "n"; alternativeKeys: "nñń" }
        Key { key: Qt.Key_M; text: "m" }
        Key { key: Qt.Key_Ccedilla; text: "ç" }
        BackspaceKey { weight: functionKeyWidth; Layout.fillWidth: false }
    }
    KeyboardRow {
        SymbolModeKey { weight: functionKeyWidth; Layout.fillWidth: false }
        ChangeLanguageKey { weight: normalKeyWidth; Layout.fillWidth: false }
        Key {
            key: Qt.Key_Comma
            weight: normalKeyWidth
            Layout.fillWidth: false
            text: ","
            highlighted: true
        }
        SpaceKey {}
        Key {
            key: Qt.Key_Period
            weight: normalKeyWidth
            Layout.fillWidth: false
            text: "."
            alternativeKeys: "!.?'-"
            smallText: "!?"
            smallTextVisible: true
            highlighted: true
        }
        HideKeyboardKey { weight: normalKeyWidth; Layout.fillWidth: false }
        EnterKey { weight: functionKeyWidth; Layout.fillWidth: false }
    }
}
