// Qt's own layout, loaded from where Qt's keyboard module keeps it: the kiosk's layout
// folder replaces Qt's, so it names each of Qt's layouts it offers (ui/input_method.py).
import QtQuick.VirtualKeyboard.Components

KeyboardLayoutLoader {
    source: "qrc:/qt-project.org/imports/QtQuick/VirtualKeyboard/Layouts/ar_AR/numbers.qml"
}
