import QtQuick 2.15
import QtQuick.Window 2.15
import QtQuick.Layouts 1.15
import KeyKiosk 1.0
import "components"
import "screens"

// The kiosk window: fullscreen and frameless; the screen comes from Kiosk.screen (a C++ enum).
Window {
    id: window
    width: 1280
    height: 800
    visible: true
    visibility: Appearance.fullscreen ? Window.FullScreen : Window.Windowed
    flags: Qt.Window | Qt.FramelessWindowHint
    color: Theme.background
    title: qsTr("KeyKiosk")

    // The window's colour again, as an item: a screenshot on the offscreen platform renders
    // the items alone (see kiosk/demo/screenshotter.cpp).
    Rectangle {
        anchors.fill: parent
        color: Theme.background
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 0
        TopBar { Layout.fillWidth: true }
        StaffBanner { Layout.fillWidth: true }
        Loader {
            id: screenLoader
            objectName: "screenLoader"
            Layout.fillWidth: true
            Layout.fillHeight: true
            sourceComponent: {
                switch (Kiosk.screen) {
                case KK.Renewal: return window.journeyScreen(Journey.state)
                case KK.AcceptanceAct: return actScreen
                case KK.ReadingToken: return readingScreen
                case KK.TokenProfiles: return tokenScreen
                case KK.Message: return messageScreen
                case KK.OutOfService: return outOfServiceScreen
                case KK.StaffHome: return staffHomeScreen
                case KK.SittingBoard: return sittingBoardScreen
                default: return insertScreen
                }
            }
        }
    }
    // The journey's steps, by the workflow's typed state.
    function journeyScreen(state) {
        switch (state) {
        case KK.Explaining: return explainScreen
        case KK.StaffChecklist: return checklistScreen
        case KK.EnteringPin: return pinScreen
        case KK.CollectingEntropy: return entropyScreen
        case KK.CheckingPin:
        case KK.GeneratingKey:
        case KK.Sending:
        case KK.PickingUp:
        case KK.Installing: return workingScreen
        case KK.WithBank: return withBankScreen
        case KK.CertificateReceived: return receivedScreen
        case KK.Finished: return doneScreen
        case KK.Refused: return refusedScreen
        default: return renewalErrorScreen // Error, Cancelled: the journey ended
        }
    }
    IdleOverlay { anchors.fill: parent }

    Component { id: insertScreen; InsertTokenScreen {} }
    Component { id: explainScreen; ExplainScreen {} }
    Component { id: pinScreen; PinScreen {} }
    Component { id: entropyScreen; EntropyScreen {} }
    Component { id: workingScreen; WorkingScreen {} }
    Component { id: withBankScreen; WithBankScreen {} }
    Component { id: receivedScreen; CertificateReceivedScreen {} }
    Component { id: doneScreen; DoneScreen {} }
    Component { id: refusedScreen; RefusedScreen {} }
    Component { id: renewalErrorScreen; RenewalErrorScreen {} }
    Component { id: actScreen; AcceptanceActScreen {} }
    Component { id: readingScreen; ReadingTokenScreen {} }
    Component { id: tokenScreen; TokenScreen {} }
    Component { id: messageScreen; MessageScreen {} }
    Component { id: outOfServiceScreen; OutOfServiceScreen {} }
    Component { id: staffHomeScreen; StaffHomeScreen {} }
    Component { id: checklistScreen; ChecklistScreen {} }
    Component { id: sittingBoardScreen; SittingBoardScreen {} }
}
