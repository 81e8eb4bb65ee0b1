import QtQuick
import QtQuick.VirtualKeyboard
import QtQuick.VirtualKeyboard.Settings

Item {
    id: root
    property string locale: "de_DE"
    // the visitor's own layout and the Latin one: the language key toggles between them
    property var activeLocales: []
    implicitHeight: panel.height
    onLocaleChanged: VirtualKeyboardSettings.locale = locale
    onActiveLocalesChanged: VirtualKeyboardSettings.activeLocales = activeLocales
    InputPanel {
        id: panel
        objectName: "panel"
        width: root.width
        anchors.bottom: parent.bottom
    }
    function isActive() { return panel.active }
}
