import QtQuick
import QtQuick.VirtualKeyboard
import QtQuick.VirtualKeyboard.Settings

Item {
    id: root
    property string locale: "de_DE"
    implicitHeight: panel.height
    onLocaleChanged: VirtualKeyboardSettings.locale = locale
    InputPanel {
        id: panel
        objectName: "panel"
        width: root.width
        anchors.bottom: parent.bottom
    }
    function isActive() { return panel.active }
}
