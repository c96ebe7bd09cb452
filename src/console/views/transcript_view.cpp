// The transcript of a contact's chat: messages with times and read marks, pushed links, files, notes, the
// unread marker and the visitor's typing, in a scrolling child window. Only the entries on screen are laid
// out and drawn: each entry's height is measured once per wrap width and font (ContactUi::layout), and the
// running sum of the heights tells which entries a scroll position shows.
#include "console/automation.h"
#include "console/icons.h"
#include "console/theme.h"
#include "console/views/views.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <imgui_internal.h> // CalcWrapWidthForPos: where TextWrapped wraps
#include <string>

namespace sb::console::views {
namespace {
constexpr float message_indent = 8.0f; // a message's text sits under its time and author, indented
const char* const marker_label = "new messages";

std::string sender(const HeldContact& c, const TranscriptEntry& t) {
    if (!t.author.empty()) return t.author;
    if (t.from == protocol::Party::agent) return "You";
    return c.view.customer.name.empty() ? "Visitor" : c.view.customer.name;
}

std::string note_text(const TranscriptEntry& t) { return format_time(t.at) + "  " + t.text; }

std::string link_heading(const TranscriptEntry& t) {
    return format_time(t.at) + "  " + icon::link + " Link pushed:";
}

// One entry, drawn at the cursor. entry_height() must follow every line drawn here.
void entry_line(const HeldContact& c, const TranscriptEntry& t, Actions& out) {
    const theme::Palette& pal = theme::palette();
    const ImU32 grey = pal.muted_text;
    ImGui::PushID(static_cast<int>(t.seq));
    switch (t.kind) {
    case TranscriptEntry::Kind::file: file_entry(c, t, out); break;
    case TranscriptEntry::Kind::note: {
        ImGui::PushStyleColor(ImGuiCol_Text, grey);
        text_wrapped(note_text(t));
        ImGui::PopStyleColor();
        break;
    }
    case TranscriptEntry::Kind::link: {
        ImGui::PushStyleColor(ImGuiCol_Text, grey);
        ImGui::TextUnformatted(link_heading(t).c_str());
        ImGui::PopStyleColor();
        ImGui::SameLine();
        ImGui::PushStyleColor(ImGuiCol_Text, pal.link);
        ImGui::TextUnformatted(t.text.c_str());
        ImGui::PopStyleColor();
        automation::mark("panel." + c.view.id + ".link." + std::to_string(t.seq));
        if (ImGui::IsItemHovered()) {
            ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
            const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
            ImGui::GetWindowDrawList()->AddLine(ImVec2(a.x, b.y), b, pal.link);
        }
        if (ImGui::IsItemClicked()) out.push_back(action::OpenUrl{t.text});
        break;
    }
    case TranscriptEntry::Kind::message: {
        const bool agent = t.from == protocol::Party::agent;
        ImGui::PushStyleColor(ImGuiCol_Text, grey);
        ImGui::TextUnformatted(format_time(t.at).c_str());
        ImGui::PopStyleColor();
        ImGui::SameLine();
        ImGui::PushStyleColor(ImGuiCol_Text, agent ? pal.agent_name : pal.visitor_name);
        ImGui::TextUnformatted(sender(c, t).c_str());
        ImGui::PopStyleColor();
        if (agent) { // read mark: one grey check when sent, two teal checks once the visitor has read it
            ImGui::SameLine();
            const bool read = t.seq <= c.visitor_read_up_to;
            ImGui::PushStyleColor(ImGuiCol_Text, read ? theme::channel_active : grey);
            ImGui::TextUnformatted(read ? icon::check_double : icon::check);
            ImGui::PopStyleColor();
            if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", read ? "Read by the visitor" : "Sent");
        }
        ImGui::Indent(message_indent);
        text_wrapped(t.text.c_str());
        translation_line(c, t); // its automatic translation, if any (translate_tool.cpp)
        ImGui::Unindent(message_indent);
        break;
    }
    }
    ImGui::PopID();
}

// How high entry_line() draws an entry, the gap under it included: the same texts measured with the same wrap
// widths, without laying anything out. wrap: the width text at the transcript's left edge wraps at.
float entry_height(const HeldContact& c, const TranscriptEntry& t, float wrap) {
    const float gap = ImGui::GetStyle().ItemSpacing.y;
    const float indented = std::max(wrap - message_indent, 1.0f);
    switch (t.kind) {
    case TranscriptEntry::Kind::file: return file_entry_height(c, t);
    case TranscriptEntry::Kind::note: return text_height(note_text(t), wrap) + gap;
    case TranscriptEntry::Kind::link:
        return std::max(text_height(link_heading(t)), text_height(t.text.c_str())) + gap;
    case TranscriptEntry::Kind::message: {
        // Time, author and read mark on one line (as high as the tallest), then the text and its translation.
        const float heading = std::max(text_height(format_time(t.at)), text_height(sender(c, t).c_str()));
        return heading + gap + text_height(t.text.c_str(), indented) + gap +
               translation_line_height(t, indented);
    }
    }
    return 0.0f;
}

// The unread marker: a red rule with "new messages" where the messages unread at the opening start.
float marker_height() { return ImGui::CalcTextSize(marker_label).y + ImGui::GetStyle().ItemSpacing.y; }

void unread_marker(const std::string& base) {
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const float w = ImGui::GetContentRegionAvail().x;
    const ImVec2 sz = ImGui::CalcTextSize(marker_label);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float y = p.y + sz.y * 0.5f;
    dl->AddLine(ImVec2(p.x, y), ImVec2(p.x + (w - sz.x) * 0.5f - 6, y), theme::unread);
    dl->AddLine(ImVec2(p.x + (w + sz.x) * 0.5f + 6, y), ImVec2(p.x + w, y), theme::unread);
    dl->AddText(ImVec2(p.x + (w - sz.x) * 0.5f, p.y), theme::unread, marker_label);
    ImGui::Dummy(ImVec2(w, sz.y));
    automation::mark(base + ".unread-marker");
}

// The entry the marker sits above: the visitor's first message after those already read when the panel opened
// (none when nothing was unread then).
std::optional<std::size_t> marker_entry(const HeldContact& c, const ContactUi& cu) {
    if (!cu.marker_set || cu.marker_until <= cu.marker_up_to) return std::nullopt;
    const auto& ts = c.transcript; // in seq order
    auto it = std::partition_point(ts.begin(), ts.end(),
                                   [&](const TranscriptEntry& t) { return t.seq <= cu.marker_up_to; });
    it = std::find_if(it, ts.end(), [](const TranscriptEntry& t) {
        return t.kind == TranscriptEntry::Kind::message && t.from == protocol::Party::visitor;
    });
    if (it == ts.end()) return std::nullopt;
    return static_cast<std::size_t>(it - ts.begin());
}

// Tells fonts of one size apart: a rebuilt atlas (another pixel ratio, the icons merged in once loaded) has
// other glyphs and so other text widths.
std::uint64_t font_fingerprint(const ImFont& f) {
    std::uint32_t size_bits = 0;
    static_assert(sizeof size_bits == sizeof f.FontSize);
    std::memcpy(&size_bits, &f.FontSize, sizeof size_bits);
    const auto address = static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(&f));
    return address * 31 + (std::uint64_t{size_bits} << 20) + static_cast<std::uint64_t>(f.Glyphs.Size);
}
} // namespace

void text_wrapped(std::string_view s) {
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextUnformatted(s.data(), s.data() + s.size());
    ImGui::PopTextWrapPos();
}

float text_height(std::string_view s, float wrap_width) {
    return ImGui::CalcTextSize(s.data(), s.data() + s.size(), false, wrap_width).y;
}

void transcript(const HeldContact& c, ContactUi& cu, Actions& out, ImVec2 size) {
    const std::string base = "panel." + c.view.id;
    ImGui::PushStyleColor(ImGuiCol_ChildBg, theme::palette().transcript);
    ImGui::BeginChild("##transcript", size, ImGuiChildFlags_Border);
    const bool at_bottom = ImGui::GetScrollY() >= ImGui::GetScrollMaxY() - 4.0f;

    // Heights: every entry's after a change of width or font, else only the new entries'.
    TranscriptLayout& layout = cu.layout;
    const float wrap = ImGui::CalcWrapWidthForPos(ImGui::GetCursorScreenPos(), 0.0f);
    const TranscriptLayout::Metrics metrics{wrap, ImGui::GetFontSize(), font_fingerprint(*ImGui::GetFont()),
                                            ImGui::GetStyle().ItemSpacing.y};
    for (std::size_t i = layout.sync(metrics, c.transcript); i < c.transcript.size(); ++i)
        layout.add(c.transcript[i], entry_height(c, c.transcript[i], wrap));
    layout.set_marker(marker_entry(c, cu), marker_height());

    // The entries on screen, each at its place; then the cursor jumps to the end (the scrollbar spans it all).
    const float origin = ImGui::GetCursorPosY(); // the transcript's top, in the window's content
    const float from = ImGui::GetScrollY() - origin;
    const auto shown = layout.visible(from, from + ImGui::GetWindowHeight());
    cu.transcript_drawn = shown;
    for (std::size_t i = shown.first; i < shown.last; ++i) {
        const TranscriptEntry& t = c.transcript[i];
        if (layout.marker() == i) {
            ImGui::SetCursorPosY(origin + layout.marker_top());
            unread_marker(base);
        }
        ImGui::SetCursorPosY(origin + layout.top(i));
        const ImVec2 start = ImGui::GetCursorScreenPos();
        entry_line(c, t, out);
        const float drawn = ImGui::GetCursorScreenPos().y - start.y;
        automation::mark_rect(base + ".entry." + std::to_string(t.seq), start,
                              ImVec2(start.x + wrap, start.y + drawn - ImGui::GetStyle().ItemSpacing.y));
        // Drawn at another height than measured (what it depends on changed since, such as the customer's
        // name): the drawing is right, and the entries below move.
        if (std::fabs(drawn - layout.height(i)) > 1.0f) layout.set_height(i, drawn);
    }
    ImGui::SetCursorPosY(origin + layout.total());
    if (c.visitor_typing)
        ImGui::TextDisabled("%s %s is writing...", icon::typing,
                            c.view.customer.name.empty() ? "The visitor" : c.view.customer.name.c_str());
    else
        ImGui::Dummy(ImVec2(0, 0)); // the end of the content
    if (cu.lines_seen != c.transcript.size()) { // follow new lines, unless the agent scrolled up to read
        if (at_bottom || cu.lines_seen == 0) ImGui::SetScrollHereY(1.0f);
        cu.lines_seen = c.transcript.size();
    }
    ImGui::EndChild();
    automation::mark(base + ".transcript");
    ImGui::PopStyleColor();
}

} // namespace sb::console::views
