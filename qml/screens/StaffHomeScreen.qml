import QtQuick 2.15
import KeyKiosk 1.0
import "../components"

// Only the staff token is in its place: staff log in (the pad opens by itself when the token
// is inserted), or, logged in, insert the client's token in the other place.
StepPage {
    title: Staff.active ? qsTr("Staff mode") : qsTr("Staff token")
    body: Staff.active
          ? qsTr("Insert the client's token in the second place. The staff token stays in: removing it ends staff mode.")
          : qsTr("A staff token is in the kiosk. Log in with its PIN to start staff mode.")
    TokenPicture { anchors.horizontalCenter: parent.horizontalCenter }
    buttons: [
        KioskButton {
            objectName: "staffLogIn"
            visible: !Staff.active
            primary: true
            text: qsTr("Log in")
            onClicked: Staff.logIn()
        }
    ]
}
