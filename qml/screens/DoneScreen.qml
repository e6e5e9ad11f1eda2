import QtQuick 2.15
import KeyKiosk 1.0
import "../components"

// «Вы переведены на работу с новым комплектом ключей», then the acceptance act.
StepPage {
    title: qsTr("You now work with your new set of keys")
    body: qsTr("Remove your token when the act is printed. Thank you!")
    ActPanel { anchors.horizontalCenter: parent.horizontalCenter; previewWidth: 300 }
    buttons: [
        KioskButton { objectName: "closeButton"; text: Sitting.active ? qsTr("Back to the signers") : qsTr("Back to my token"); onClicked: Journey.close() }
    ]
}
