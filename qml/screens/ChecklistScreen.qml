import QtQuick 2.15
import QtQuick.Layouts 1.15
import KeyKiosk 1.0
import "../components"

// Staff confirm the case before the client's part: the identity document checked, the signed
// application received, its number and date and, for a token with no certificate, the
// client's SNILS and the organization's INN off the application. Checklist (C++) checks them;
// the subject of the new certificate is the bank's, never typed here.
Item {
    id: screen
    function caseTitle() {
        switch (Journey.recoveryCase) {
        case KK.ExpiredKey: return qsTr("Recovery of an expired key")
        case KK.FirstKey: return qsTr("First key for a registered client")
        default: return qsTr("Replacement of a lost or broken token")
        }
    }

    RowLayout {
        anchors.fill: parent
        anchors.margins: Theme.margin
        spacing: 40

        ColumnLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: 14
            PlainText {
                objectName: "title"
                text: screen.caseTitle()
                Layout.fillWidth: true
                wrapMode: Text.WordWrap
                font.pixelSize: Theme.titleSize - 6
                font.bold: true
                color: Theme.text
            }
            PlainText {
                objectName: "abonent"
                Layout.fillWidth: true
                wrapMode: Text.WordWrap
                text: Checklist.needsAbonentNumbers
                      ? (Journey.recoveryCase === KK.ReplacementToken
                         ? qsTr("The client's certificate on the lost token is revoked when the new one is confirmed. The bank finds the client by the SNILS and INN.")
                         : qsTr("The bank finds the client in its register by the SNILS and INN."))
                      : qsTr("Client: %1, identifier %2").arg(Checklist.owner).arg(Checklist.abonentId)
                font.pixelSize: Theme.smallSize
                color: Theme.mutedText
            }
            KioskButton {
                objectName: "identityChecked"
                Layout.fillWidth: true
                checkable: true
                checked: Checklist.identityChecked
                text: (Checklist.identityChecked ? "☑ " : "☐ ") + qsTr("Identity document checked")
                onClicked: Checklist.identityChecked = !Checklist.identityChecked
            }
            KioskButton {
                objectName: "applicationReceived"
                Layout.fillWidth: true
                checkable: true
                checked: Checklist.applicationReceived
                text: (Checklist.applicationReceived ? "☑ " : "☐ ") + qsTr("Signed and stamped application received")
                onClicked: Checklist.applicationReceived = !Checklist.applicationReceived
            }
            Repeater {
                model: [
                    { field: KK.Application, name: qsTr("Application number"), value: Checklist.application, shown: true },
                    { field: KK.ApplicationDate, name: qsTr("Application date (DD.MM.YYYY)"), value: Checklist.applicationDate, shown: true },
                    { field: KK.Snils, name: qsTr("Client's SNILS"), value: Checklist.snils, shown: Checklist.needsAbonentNumbers },
                    { field: KK.Inn, name: qsTr("Organization's INN"), value: Checklist.inn, shown: Checklist.needsAbonentNumbers }
                ]
                Rectangle {
                    objectName: "field" + modelData.field
                    visible: modelData.shown
                    Layout.fillWidth: true
                    implicitHeight: Theme.touchTarget
                    radius: 8
                    color: Checklist.field === modelData.field ? Theme.selection : Theme.surface
                    border.color: Checklist.field === modelData.field ? Theme.accent : Theme.border
                    border.width: 2
                    Accessible.role: Accessible.EditableText
                    Accessible.name: modelData.name
                    Accessible.description: modelData.value
                    Accessible.onPressAction: Checklist.field = modelData.field
                    PlainText {
                        x: 14
                        width: parent.width * 0.55
                        anchors.verticalCenter: parent.verticalCenter
                        elide: Text.ElideRight
                        text: modelData.name
                        font.pixelSize: Theme.smallSize
                        color: Theme.mutedText
                    }
                    PlainText {
                        anchors.right: parent.right
                        anchors.rightMargin: 14
                        anchors.verticalCenter: parent.verticalCenter
                        text: modelData.value !== "" ? modelData.value : "—"
                        font.pixelSize: Theme.bodySize
                        font.bold: true
                        color: Theme.text
                    }
                    MouseArea { anchors.fill: parent; onClicked: Checklist.field = modelData.field }
                }
            }
            PlainText {
                objectName: "problem"
                visible: Checklist.problem !== ""
                Layout.fillWidth: true
                wrapMode: Text.WordWrap
                text: Checklist.problem
                font.pixelSize: Theme.smallSize
                font.bold: true
                color: Theme.critical
            }
            Item { Layout.fillHeight: true }
            RowLayout {
                spacing: 24
                KioskButton { objectName: "cancelButton"; text: qsTr("Cancel"); onClicked: Journey.cancel() }
                KioskButton {
                    objectName: "confirmChecklist"
                    primary: true
                    text: qsTr("Confirm: the client continues")
                    onClicked: Checklist.confirm()
                }
            }
        }
        NumberPad {
            Layout.alignment: Qt.AlignVCenter
            onDigit: Checklist.typeDigit(value)
            onErase: Checklist.erase()
        }
    }
}
