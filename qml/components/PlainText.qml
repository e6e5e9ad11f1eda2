import QtQuick 2.15

// Every text of the kiosk: plain, never rich. A token's label, a certificate's name or the
// bank's reason shown as rich text could lay out markup or fetch an image from a network.
Text {
    textFormat: Text.PlainText
    font.family: Theme.fontFamily
    color: Theme.text
}
