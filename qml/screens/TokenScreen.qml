import QtQuick 2.15
import QtQuick.Layouts 1.15
import KeyKiosk 1.0
import "../components"

// The token's key sets, as the seeds' "Выберите абонента для регенерации" table, and the
// selected one's "Параметры подписи".
Item {
    id: screen
    readonly property var selected: Kiosk.profiles.count > 0 ? Kiosk.profiles.get(Kiosk.selectedProfile) : ({})
    // Column widths come from the table, not from the row layouts, so the layouts never loop.
    function columnWidth(share) { return (table.width - 32 - 36) * share }
    // Re-read the selected row when the model or the language changes.
    Connections {
        target: Kiosk
        function onTokenChanged() { screen.selectedChanged() }
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: Theme.margin
        anchors.topMargin: 20
        anchors.bottomMargin: 20
        spacing: 10

        RowLayout {
            Layout.fillWidth: true
            PlainText {
                objectName: "title"
                text: qsTr("Your token")
                font.pixelSize: Theme.titleSize
                font.bold: true
                color: Theme.text
            }
            Item { Layout.fillWidth: true }
            PlainText {
                objectName: "tokenIdentity"
                text: qsTr("%1, serial number %2").arg(Kiosk.tokenLabel).arg(Kiosk.tokenSerial)
                font.pixelSize: Theme.smallSize
                color: Theme.mutedText
            }
        }

        Rectangle {
            objectName: "criticalBanner"
            visible: Kiosk.profiles.hasCritical
            Layout.fillWidth: true
            implicitHeight: bannerText.implicitHeight + 24
            radius: 8
            color: Theme.criticalBackground
            border.color: Theme.critical
            border.width: 2
            PlainText {
                id: bannerText
                anchors.verticalCenter: parent.verticalCenter
                x: 16
                width: parent.width - 32
                wrapMode: Text.WordWrap
                text: qsTr("A key set on this token needs your attention. See its status below.")
                font.pixelSize: Theme.bodySize
                font.bold: true
                color: Theme.critical
            }
        }

        PlainText {
            text: qsTr("Select a subscriber")
            font.pixelSize: Theme.bodySize
            color: Theme.text
        }

        // Table header
        Rectangle {
            Layout.fillWidth: true
            implicitHeight: 44
            color: Theme.contrast ? "#000000" : "#e9edf2"
            border.color: Theme.border
            RowLayout {
                anchors.fill: parent
                anchors.leftMargin: 16
                anchors.rightMargin: 16
                spacing: 12
                Repeater {
                    model: [
                        { title: qsTr("Subscriber"), width: 0.32 },
                        { title: qsTr("Identifier"), width: 0.16 },
                        { title: qsTr("Cryptography"), width: 0.14 },
                        { title: qsTr("Status"), width: 0.38 }
                    ]
                    PlainText {
                        Layout.preferredWidth: screen.columnWidth(modelData.width)
                        text: modelData.title
                        elide: Text.ElideRight
                        font.pixelSize: Theme.smallSize
                        font.bold: true
                        color: Theme.text
                    }
                }
            }
        }
        ListView {
            id: table
            objectName: "profileTable"
            Layout.fillWidth: true
            Layout.preferredHeight: Math.min(contentHeight, 4 * (Theme.touchTarget + 8))
            clip: true
            interactive: contentHeight > height
            model: Kiosk.profiles
            // A row grows to show the whole subscriber (a name and an organization can be long):
            // nothing is cut off. Plain rows of fixed-width cells, so no layout loops.
            delegate: Rectangle {
                objectName: "profileRow"
                width: table.width
                height: Math.max(Theme.touchTarget + 8, cells.height + 16)
                color: index === Kiosk.selectedProfile ? Theme.selection : Theme.surface
                border.color: index === Kiosk.selectedProfile ? Theme.accent : Theme.border
                border.width: index === Kiosk.selectedProfile ? 2 : 1
                Accessible.role: Accessible.ListItem
                Accessible.name: (model.owner || "—") + ", " + model.statusText
                Accessible.selectable: true
                Accessible.selected: index === Kiosk.selectedProfile
                Accessible.onPressAction: Kiosk.selectedProfile = index
                Row {
                    id: cells
                    x: 16
                    anchors.verticalCenter: parent.verticalCenter
                    spacing: 12
                    PlainText {
                        objectName: "ownerCell"
                        width: screen.columnWidth(0.32)
                        text: model.owner || "—"
                        wrapMode: Text.Wrap
                        font.pixelSize: Theme.smallSize
                    }
                    PlainText {
                        width: screen.columnWidth(0.16)
                        text: model.identifier || "—"
                        wrapMode: Text.WrapAnywhere
                        font.pixelSize: Theme.smallSize
                    }
                    PlainText {
                        width: screen.columnWidth(0.14)
                        text: model.cryptography || "—"
                        wrapMode: Text.Wrap
                        font.pixelSize: Theme.smallSize
                    }
                    Item {
                        width: screen.columnWidth(0.38)
                        height: badge.height
                        StatusBadge {
                            id: badge
                            maximumWidth: parent.width
                            text: model.statusText
                            critical: model.critical
                        }
                    }
                }
                MouseArea {
                    anchors.fill: parent
                    onClicked: Kiosk.selectedProfile = index
                }
            }
        }

        Rectangle {
            objectName: "parameters"
            Layout.fillWidth: true
            Layout.fillHeight: true
            Layout.minimumHeight: parametersColumn.implicitHeight + 40
            radius: 8
            color: Theme.surface
            border.color: Theme.border
            ColumnLayout {
                id: parametersColumn
                anchors.fill: parent
                anchors.margins: 20
                spacing: 6
                PlainText {
                    text: qsTr("Signature parameters")
                    font.pixelSize: Theme.bodySize
                    font.bold: true
                    color: Theme.text
                }
                ParameterRow { name: qsTr("Status"); value: screen.selected.statusText || "" }
                ParameterRow {
                    objectName: "refusalReason"
                    name: qsTr("The bank's reason")
                    value: screen.selected.bankReason || ""
                }
                ParameterRow { name: qsTr("Profile name"); value: screen.selected.profileName || "" }
                ParameterRow { name: qsTr("Identifier"); value: screen.selected.identifier || "" }
                ParameterRow { name: qsTr("Cryptography"); value: screen.selected.cryptography || "" }
                ParameterRow { name: qsTr("Key type"); value: screen.selected.keyType || "" }
                ParameterRow { name: qsTr("Start of the validity period"); value: screen.selected.validFrom || "" }
                ParameterRow { name: qsTr("End of the validity period"); value: screen.selected.validTo || "" }
                PlainText {
                    visible: (screen.selected.errorText || "") !== ""
                    Layout.fillWidth: true
                    wrapMode: Text.WordWrap
                    text: screen.selected.errorText || ""
                    font.pixelSize: Theme.smallSize
                    color: Theme.critical
                }
                Item { Layout.fillHeight: true }
            }
        }
        // What the kiosk offers for the selected profile, by its status.
        RowLayout {
            Layout.fillWidth: true
            spacing: 24
            PlainText {
                objectName: "actionHint"
                Layout.fillWidth: true
                wrapMode: Text.WordWrap
                text: {
                    switch (Staff.actionHint) {
                    case KK.RenewNow: return qsTr("You can renew the keys of this profile now.")
                    case KK.CertificateOnToken: return qsTr("Your new certificate is on the token. Enter your PIN to finish: the bank is told and your keys switch.")
                    case KK.RequestWithBank: return qsTr("Your request is with the bank. Enter your PIN to pick up the certificate.")
                    case KK.NewRequestPossible: return qsTr("The bank refused the last request. You can make a new one.")
                    case KK.StaffReplaceLockedToken: return qsTr("The PIN of this token is locked: nothing on it can be used. Give the client a new token and run the replacement case on it.")
                    case KK.StaffChooseCase: return qsTr("Staff: choose the recovery case.")
                    case KK.StaffNothingToRecover: return qsTr("Nothing staff can recover here.")
                    case KK.AskStaff: return qsTr("These keys cannot be renewed at the kiosk. Please see the staff.")
                    default: return qsTr("Nothing to do for this profile.")
                    }
                }
                font.pixelSize: Theme.smallSize
                color: Kiosk.selectedAction === KK.SeeStaff ? Theme.critical : Theme.text
            }
            // Staff mode: the recovery cases that fit the selected profile.
            Repeater {
                model: Staff.recoveryCases
                KioskButton {
                    objectName: "recoveryCase" + modelData
                    primary: true
                    text: {
                        switch (modelData) {
                        case KK.ExpiredKey: return qsTr("Recover the expired key")
                        case KK.FirstKey: return qsTr("First key")
                        default: return qsTr("Replacement token")
                        }
                    }
                    onClicked: Staff.beginRecovery(modelData)
                }
            }
            KioskButton {
                objectName: "startSitting"
                visible: Sitting.canStart
                text: qsTr("Several signers")
                accessibleName: qsTr("Several signers of this organization renew now")
                onClicked: Sitting.start()
            }
            KioskButton {
                objectName: "actButton"
                visible: Kiosk.canShowAct
                text: Kiosk.actPrintedBefore ? qsTr("Print the act again") : qsTr("Print the act")
                onClicked: Kiosk.showAcceptanceAct()
            }
            KioskButton {
                objectName: "actionButton"
                visible: Kiosk.selectedAction === KK.Renew || Kiosk.selectedAction === KK.PickUp
                         || Kiosk.selectedAction === KK.NewRequest
                primary: true
                text: Kiosk.selectedAction === KK.PickUp ? qsTr("Pick up the certificate")
                      : Kiosk.selectedAction === KK.NewRequest ? qsTr("New request")
                                                               : qsTr("Renew the keys")
                onClicked: Journey.begin()
            }
        }
    }
}
