import QtQuick 2.15
import KeyKiosk 1.0
import "../components"

// A later visit: the act of a certificate already on the token, to print it again.
StepPage {
    title: qsTr("Acceptance act")
    ActPanel { anchors.horizontalCenter: parent.horizontalCenter; previewWidth: 340 }
    buttons: [
        KioskButton { objectName: "closeButton"; text: qsTr("Back"); onClicked: Kiosk.closeAcceptanceAct() }
    ]
}
