#pragma once
// Inside act/: what the act (acceptanceact.cpp) and the slips (slips.cpp) lay out with.

#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QString>

namespace kk {

// A text of the documents' own tables, UTF-8.
inline QString t(const char *text)
{
    return QString::fromUtf8(text);
}

// Text blocks flowing down a page, in points and millimetres of the device (the act on paper
// and on screen, the slip).
class TextFlow
{
public:
    TextFlow(QPainter &painter, const QRectF &page)
        : m_painter(painter), m_page(page), m_y(page.top()),
          mm(painter.device()->logicalDpiY() / 25.4)
    {
    }
    void setFont(double points, bool bold = false, bool mono = false)
    {
        QFont f(mono ? QStringLiteral("DejaVu Sans Mono") : QStringLiteral("DejaVu Sans"));
        f.setPointSizeF(points);
        f.setBold(bold);
        // No ligatures: "fi" must stay two letters for text extraction and screen readers.
        f.setStyleStrategy(QFont::PreferNoShaping);
        m_painter.setFont(f);
    }
    void block(const QString &text, double points, bool bold = false, int flags = Qt::AlignLeft,
               bool mono = false, double gapMm = 2.0, double indent = 0)
    {
        setFont(points, bold, mono);
        QRectF bounds;
        m_painter.drawText(
            QRectF(m_page.left() + indent, m_y, m_page.width() - indent, m_page.height()),
            flags | Qt::TextWordWrap, text, &bounds);
        m_y += bounds.height() + gapMm * mm;
    }
    // "Name: value" at 10 pt; nothing when the value is empty.
    void row(const QString &name, const QString &value, double points = 10)
    {
        if (!value.isEmpty())
            block(name + QStringLiteral(": ") + value, points, false, Qt::AlignLeft, false, 1.0);
    }
    double y() const { return m_y; }
    void moveTo(double y) { m_y = y; }

private:
    QPainter &m_painter;
    QRectF m_page;
    double m_y;

public:
    const double mm; // device units per millimetre
};

// A PDF at 300 dpi, which the act and the slip share.
inline void setUpPdf(QPdfWriter &pdf, QPageSize::PageSizeId size, double marginMm,
                     const QString &title)
{
    pdf.setPageSize(QPageSize(size));
    pdf.setPageMargins(QMarginsF(marginMm, marginMm, marginMm, marginMm), QPageLayout::Millimeter);
    pdf.setResolution(300);
    pdf.setTitle(title);
    pdf.setCreator(QStringLiteral("KeyKiosk"));
}

} // namespace kk
