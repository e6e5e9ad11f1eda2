import QtQuick 2.15
import KeyKiosk 1.0
import "../components"

StepPage {
    title: qsTr("You now work with your new set of keys")
    body: qsTr("Remove your token. Thank you!")
    TokenPicture { anchors.horizontalCenter: parent.horizontalCenter }
    buttons: [
        KioskButton { objectName: "closeButton"; text: qsTr("Back to my token"); onClicked: Journey.close() }
    ]
}
