"""Units → specialists, each with a badge counting who was not seen without a reason."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from staffing_tui.store.directory import StaffMember, Unit, UnitRoster


@dataclass(frozen=True, slots=True)
class UnitEntry:
    unit: Unit | None
    unseen: int


@dataclass(frozen=True, slots=True)
class SpecialistEntry:
    specialist: StaffMember
    unseen: int


TreeEntry = UnitEntry | SpecialistEntry

#: Spaces between a name and its badge; below _MIN_NAME cells for the name the
#: badges no longer line up (the tree scrolls sideways instead).
_GAP = 2
_MIN_NAME = 8


def badge_text(unseen: int) -> str:
    """The words of the badge: "3 not seen", or "✓" when nobody is left."""
    return f"{unseen} not seen" if unseen else "✓"


class UnitsTree(Tree[TreeEntry]):
    """A tree of units and their specialists with "N not seen" badges.

    The badge counts rows `unmet` or `due` (not seen and no documented
    reason): red while above zero, a green ✓ at zero.
    """

    BINDINGS = [
        Binding("enter", "select_cursor", "Caseload", id="units.show",
                tooltip="Open the specialist's caseload (moving the cursor shows it too)"),
    ]

    COMPONENT_CLASSES = {"units-tree--unseen", "units-tree--clear", "units-tree--muted"}

    DEFAULT_CSS = """
    UnitsTree > .units-tree--unseen { color: $text-error; text-style: bold; }
    UnitsTree > .units-tree--clear { color: $text-success; text-style: bold; }
    UnitsTree > .units-tree--muted { color: $text-muted; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__("Units", id=id, classes=classes)
        self.show_root = False
        self.guide_depth = 3

    def show_rosters(self, rosters: Sequence[UnitRoster], unseen_of: Callable[[str], int]) -> None:
        """Replace the tree with `rosters`, keeping the cursor on the same specialist or unit."""
        previous = self.cursor_node.data if self.cursor_node is not None else None
        self.clear()
        for roster in rosters:
            counts = [unseen_of(member.staff_id) for member in roster.specialists]
            # Text, not str: a name is data, never markup ("[acting]" stays as typed).
            unit_node = self.root.add(
                Text(roster.unit.label if roster.unit else "No unit"),
                data=UnitEntry(roster.unit, sum(counts)),
                expand=True,
                allow_expand=bool(roster.specialists),
            )
            for member, unseen in zip(roster.specialists, counts):
                unit_node.add_leaf(Text(member.name), data=SpecialistEntry(member, unseen))
        self._restore_cursor(previous)

    def find_specialist(self, staff_id: str) -> TreeNode[TreeEntry] | None:
        for unit_node in self.root.children:
            for node in unit_node.children:
                if isinstance(node.data, SpecialistEntry) and node.data.specialist.staff_id == staff_id:
                    return node
        return None

    def _restore_cursor(self, previous: TreeEntry | None) -> None:
        target: TreeNode[TreeEntry] | None = None
        if isinstance(previous, SpecialistEntry):
            target = self.find_specialist(previous.specialist.staff_id)
        elif isinstance(previous, UnitEntry):
            target = next((n for n in self.root.children if n.data and n.data.unit == previous.unit), None)
        if target is None and self.root.children:
            target = self.root.children[0]
        # Reading `last_line` lays out the new lines, so `target.line` is current.
        if self.last_line >= 0:
            self.move_cursor(target)

    def render_label(self, node: TreeNode[TreeEntry], base_style: Style, style: Style) -> Text:
        """The node's label with its badge, badges lined up at the right edge.

        A name too long for the pane is cut with an ellipsis so the badge, the
        thing a supervisor scans for, always stays on screen.
        """
        label = super().render_label(node, base_style, style)
        entry = node.data
        if entry is None:
            return label
        if isinstance(entry, UnitEntry) and not node.children:
            badge, component = "no specialists", "units-tree--muted"
        else:
            badge = badge_text(entry.unseen)
            component = "units-tree--unseen" if entry.unseen else "units-tree--clear"
        if node.line == self.cursor_line and self.has_focus:
            # On the highlighted line the cursor's own colours stay readable in
            # every theme; the words still say how many were not seen.
            badge_style = style + Style(bold=True)
        else:
            badge_style = style + self.get_component_rich_style(component, partial=True)
        name_room = self._label_room(node) - cell_len(badge) - _GAP
        if name_room >= _MIN_NAME:
            label.truncate(name_room, overflow="ellipsis")
            label.append(" " * (name_room - label.cell_len + _GAP), style=style)
        else:  # not laid out yet, or too narrow to line up: just follow the name
            label.append(" " * _GAP, style=style)
        label.append(badge, style=badge_style)
        return label

    def _label_room(self, node: TreeNode[TreeEntry]) -> int:
        """Cells left for a node's label after its guides (0 before layout)."""
        width = self.scrollable_content_region.width
        if width <= 0:
            return 0
        depth, parent = 0, node.parent
        while parent is not None and parent is not self.root:
            depth, parent = depth + 1, parent.parent
        return width - depth * self.guide_depth
