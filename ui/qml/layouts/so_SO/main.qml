// Somali, in its Latin alphabet: QWERTY with the apostrophe, Somali's glottal stop
// (ba'an, la'aan), on a key of its own at the end of the middle row. Somali is written in
// Latin letters, so this layout also serves names and addresses; a long press gives the
// accented letters of other languages' names (DIN 91379), as on Qt's English layout.
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
        Key { key: Qt.Key_E; text: "e"; alternativeKeys: "eêëèé" }
        Key { key: Qt.Key_R; text: "r"; alternativeKeys: "rŕř" }
        Key { key: Qt.Key_T; text: "t"; alternativeKeys: "tţť" }
        Key { key: Qt.Key_Y; text: "y"; alternativeKeys: "yýÿ" }
        Key { key: Qt.Key_U; text: "u"; alternativeKeys: "uûüùúū" }
        Key { key: Qt.Key_I; text: "i"; alternativeKeys: "iîïìí" }
        Key { key: Qt.Key_O; text: "o"; alternativeKeys: "oöòóôõø" }
        Key { key: Qt.Key_P; text: "p" }
    }
    KeyboardRow {
        Key { key: Qt.Key_A; text: "a"; alternativeKeys: "aäàáâãå" }
        Key { key: Qt.Key_S; text: "s"; alternativeKeys: "sšşś" }
        Key { key: Qt.Key_D; text: "d"; alternativeKeys: "dđď" }
        Key { key: Qt.Key_F; text: "f" }
        Key { key: Qt.Key_G; text: "g"; alternativeKeys: "gğ" }
        Key { key: Qt.Key_H; text: "h" }
        Key { key: Qt.Key_J; text: "j" }
        Key { key: Qt.Key_K; text: "k" }
        Key { key: Qt.Key_L; text: "l"; alternativeKeys: "lłľ" }
        Key { key: Qt.Key_Apostrophe; text: "'" }
    }
    KeyboardRow {
        ShiftKey { weight: functionKeyWidth; Layout.fillWidth: false }
        Key { key: Qt.Key_Z; text: "z"; alternativeKeys: "zžż" }
        Key { key: Qt.Key_X; text: "x" }
        Key { key: Qt.Key_C; text: "c"; alternativeKeys: "cçčć" }
        Key { key: Qt.Key_V; text: "v" }
        Key { key: Qt.Key_B; text: "b" }
        Key { key: Qt.Key_N; text: "n"; alternativeKeys: "nñń" }
        Key { key: Qt.Key_M; text: "m" }
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
            alternativeKeys: "!.?-"
            smallText: "!?"
            smallTextVisible: true
            highlighted: true
        }
        HideKeyboardKey { weight: normalKeyWidth; Layout.fillWidth: false }
        EnterKey { weight: functionKeyWidth; Layout.fillWidth: false }
    }
}
