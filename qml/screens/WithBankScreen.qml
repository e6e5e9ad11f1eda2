import QtQuick 2.15
import KeyKiosk 1.0
import "../components"

// "Принят банком": the status updates by itself (the kiosk polls); the client may leave with
// the slip.
StepPage {
    title: qsTr("Accepted by the bank")
    body: qsTr("The bank is registering your new key. This screen updates by itself when the certificate is ready.")
    Rectangle {
        objectName: "outageNotice"
        visible: Journey.bankOutage
        anchors.horizontalCenter: parent.horizontalCenter
        width: Math.min(parent.width, 720)
        height: outageText.implicitHeight + 32
        radius: 8
        color: Theme.criticalBackground
        border.color: Theme.critical
        border.width: 2
        PlainText {
            id: outageText
            anchors.centerIn: parent
            width: parent.width - 40
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            text: qsTr("The bank cannot be reached right now. The kiosk keeps trying and goes on by itself when the bank answers. You may also take your token and come back later, at any kiosk: your request is kept.")
            font.pixelSize: Theme.smallSize
            color: Theme.critical
        }
    }
    Rectangle {
        objectName: "slip"
        anchors.horizontalCenter: parent.horizontalCenter
        width: Math.min(parent.width, 720)
        height: slipColumn.height + 40
        radius: 8
        color: Theme.surface
        border.color: Theme.border
        border.width: 2
        Column {
            id: slipColumn
            x: 24; y: 20
            width: parent.width - 48
            spacing: 10
            ParameterRow { width: parent.width; name: qsTr("Request number"); value: Journey.requestNumber || "—" }
            ParameterRow { width: parent.width; name: qsTr("Subscriber"); value: Journey.owner || "—" }
            ParameterRow { width: parent.width; name: qsTr("Identifier"); value: Journey.identifier || "—" }
            PlainText {
                width: parent.width
                wrapMode: Text.WordWrap
                text: qsTr("You may leave now. Next time, insert your token at any kiosk and choose \"Pick up the certificate\". Your current keys keep working until then.")
                font.pixelSize: Theme.smallSize
                color: Theme.text
            }
        }
    }
    PlainText {
        objectName: "slipStatus"
        width: parent.width
        horizontalAlignment: Text.AlignHCenter
        visible: text !== ""
        text: Act.printing ? qsTr("Printing…") : Act.slipPrinted ? qsTr("Take your slip from the printer.")
              : Act.message !== "" ? Act.message + " (" + Act.errorId + ")" : ""
        font.pixelSize: Theme.smallSize
        color: Act.message !== "" && !Act.printing ? Theme.critical : Theme.ok
    }
    Component.onCompleted: Act.refreshPrinter()
    buttons: [
        KioskButton {
            objectName: "printSlipButton"
            visible: Act.printerAvailable
            enabled: !Act.printing
            text: qsTr("Print the slip")
            onClicked: Act.printSlip(Journey.requestNumber, Journey.owner, Journey.identifier)
        },
        KioskButton { objectName: "leaveButton"; text: qsTr("I will come back later"); onClicked: Journey.cancel() }
    ]
}
