import QtQuick 2.15
import KeyKiosk 1.0
import "../components"

// Checking the PIN, generating the key, sending the request, picking up the certificate,
// switching the keys: progress appears after 0.5 s.
StepPage {
    title: {
        switch (Journey.state) {
        case KK.CheckingPin: return Journey.kind === KK.StaffLogin ? qsTr("Checking the PIN and the staff certificate…")
                                                                   : qsTr("Checking the PIN…")
        case KK.GeneratingKey: return qsTr("Generating your new key on the token…")
        case KK.PickingUp: return qsTr("Asking the bank for your certificate…")
        case KK.Installing: return qsTr("Switching your token to the new keys…")
        default: return qsTr("Signing the request and sending it to the bank…")
        }
    }
    body: qsTr("Please do not remove your token.")
    Item {
        width: parent.width
        height: 140
        visible: Journey.showProgress
        Spinner { anchors.horizontalCenter: parent.horizontalCenter }
        PlainText {
            objectName: "elapsed"
            anchors.bottom: parent.bottom
            anchors.horizontalCenter: parent.horizontalCenter
            text: qsTr("%n second(s)", "", Journey.elapsedSeconds)
            font.pixelSize: Theme.smallSize
            color: Theme.mutedText
        }
    }
}
