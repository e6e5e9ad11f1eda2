import QtQuick 2.15
import QtQuick.Layouts 1.15
import KeyKiosk 1.0
import "../components"

// A signers' sitting: the organization's signers, each with their status; whoever's token is
// in acts on their row. Sitting (C++) decides every status and action; this only shows them.
Item {
    id: screen

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: Theme.margin
        anchors.topMargin: 20
        anchors.bottomMargin: 20
        spacing: 12

        RowLayout {
            Layout.fillWidth: true
            PlainText {
                objectName: "title"
                Layout.fillWidth: true
                wrapMode: Text.WordWrap
                text: qsTr("Signers of %1").arg(Sitting.organization)
                font.pixelSize: Theme.titleSize - 6
                font.bold: true
                color: Theme.text
            }
            PlainText {
                objectName: "sittingIdentity"
                text: qsTr("INN %1 · sitting %2").arg(Sitting.inn).arg(Sitting.id)
                font.pixelSize: Theme.smallSize
                color: Theme.mutedText
            }
        }
        PlainText {
            objectName: "nextSigner"
            Layout.fillWidth: true
            wrapMode: Text.WordWrap
            text: Kiosk.sessionTimedOut ? qsTr("The session timed out. Take the token out; the next signer inserts theirs.")
                  : Kiosk.tokenSerial === "" ? qsTr("Next signer: insert your own token.")
                  : qsTr("When you are done, take your token out: the next signer inserts theirs.")
            font.pixelSize: Theme.bodySize
            color: Theme.text
        }
        Rectangle {
            objectName: "sittingNotice"
            visible: Sitting.notice !== ""
            Layout.fillWidth: true
            implicitHeight: noticeText.implicitHeight + 24
            radius: 8
            color: Theme.criticalBackground
            border.color: Theme.critical
            border.width: 2
            PlainText {
                id: noticeText
                anchors.verticalCenter: parent.verticalCenter
                x: 16
                width: parent.width - 32
                wrapMode: Text.WordWrap
                text: Sitting.notice
                font.pixelSize: Theme.bodySize - 2
                font.bold: true
                color: Theme.critical
            }
        }
        ListView {
            id: board
            objectName: "signerBoard"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            spacing: 8
            model: Sitting.signers
            delegate: Rectangle {
                objectName: "signerRow"
                width: board.width
                height: Math.max(Theme.touchTarget + 16, rowContent.implicitHeight + 20)
                radius: 8
                color: modelData.present ? Theme.selection : Theme.surface
                border.color: modelData.present ? Theme.accent : Theme.border
                border.width: modelData.present ? 2 : 1
                Accessible.role: Accessible.ListItem
                Accessible.name: modelData.owner + ", " + modelData.statusText
                RowLayout {
                    id: rowContent
                    anchors.fill: parent
                    anchors.leftMargin: 16
                    anchors.rightMargin: 16
                    spacing: 16
                    Column {
                        Layout.fillWidth: true
                        spacing: 2
                        PlainText {
                            width: parent.width
                            wrapMode: Text.Wrap
                            text: modelData.owner
                            font.pixelSize: Theme.bodySize - 2
                            font.bold: true
                        }
                        PlainText {
                            width: parent.width
                            visible: modelData.title !== ""
                            wrapMode: Text.Wrap
                            text: modelData.title
                            font.pixelSize: Theme.smallSize
                            color: Theme.mutedText
                        }
                    }
                    Column {
                        Layout.preferredWidth: board.width * 0.36
                        spacing: 2
                        StatusBadge {
                            objectName: "signerStatus"
                            maximumWidth: parent.width
                            text: modelData.statusText
                            critical: modelData.status === KK.SignerRefused || modelData.status === KK.SignerNeedsStaff
                        }
                        PlainText {
                            width: parent.width
                            visible: modelData.requestNumber !== ""
                            text: qsTr("Request %1").arg(modelData.requestNumber)
                            font.pixelSize: Theme.smallSize
                            color: Theme.mutedText
                        }
                        PlainText {
                            width: parent.width
                            visible: modelData.status === KK.SignerRefused && modelData.reason !== ""
                            wrapMode: Text.Wrap
                            text: modelData.reason
                            font.pixelSize: Theme.smallSize
                            color: Theme.critical
                        }
                    }
                    KioskButton {
                        objectName: "signerAction" + index
                        visible: modelData.action !== KK.SignerNoAction
                        primary: true
                        text: {
                            switch (modelData.action) {
                            case KK.SignerPickUp: return qsTr("Pick up")
                            case KK.SignerRecover: return qsTr("Recover (staff)")
                            default: return modelData.status === KK.SignerRefused ? qsTr("New request") : qsTr("Renew")
                            }
                        }
                        onClicked: Sitting.act(index)
                    }
                }
            }
        }
        RowLayout {
            Layout.fillWidth: true
            spacing: 24
            PlainText {
                Layout.fillWidth: true
                wrapMode: Text.WordWrap
                text: qsTr("Each signer's act is printed after their certificate. Finishing prints the sitting's summary; requests still with the bank are picked up later, at any kiosk.")
                font.pixelSize: Theme.smallSize
                color: Theme.mutedText
            }
            KioskButton {
                objectName: "finishSitting"
                text: qsTr("Finish the sitting")
                onClicked: Sitting.finish()
            }
        }
    }
}
