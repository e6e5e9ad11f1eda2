import QtQuick 2.15
import KeyKiosk 1.0
import "../components"

// A journey that ended in an error from the catalogue: what happened (the catalogue's words),
// then what is left on the token and with the bank (from the journey's state).
StepPage {
    title: Journey.seeStaff ? qsTr("Please see the staff") : qsTr("The renewal did not complete")
    body: Journey.message
    critical: true
    PlainText {
        objectName: "aftermath"
        width: parent.width
        horizontalAlignment: Text.AlignHCenter
        wrapMode: Text.WordWrap
        text: Journey.aftermathText
        font.pixelSize: Theme.bodySize - 2
    }
    PlainText {
        width: parent.width
        horizontalAlignment: Text.AlignHCenter
        text: qsTr("Error code: %1").arg(Journey.errorId)
        font.pixelSize: Theme.smallSize
        color: Theme.mutedText
    }
    buttons: [
        KioskButton { objectName: "closeButton"; text: qsTr("Back"); primary: true; onClicked: Journey.close() }
    ]
}
