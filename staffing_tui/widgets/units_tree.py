"""Units → specialists, each with a badge counting who was not seen without a reason."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from staffing_tui.present.labels import staff_label, unit_label
from staffing_tui.store.directory import StaffMember, Unit, UnitRoster


@dataclass(frozen=True, slots=True)
class UnitEntry:
    unit: Unit | None
    unseen: int | None  # None: still being evaluated


@dataclass(frozen=True, slots=True)
class SpecialistEntry:
    specialist: StaffMember
    unseen: int | None  # None: still being evaluated


TreeEntry = UnitEntry | SpecialistEntry

#: Spaces between a name and its badge; below _MIN_NAME cells for the name the
#: badges no longer line up (the tree scrolls sideways instead).
_GAP = 2
_MIN_NAME = 8
#: Up to this many lines (units and specialists) every unit is open; beyond, the first.
EXPAND_ALL_UP_TO = 120


def badge_text(unseen: int | None) -> str:
    """The words of the badge: "3 not seen", "✓" when nobody is left, "…" while being evaluated."""
    if unseen is None:
        return "…"
    return f"{unseen} not seen" if unseen else "✓"


class UnitsTree(Tree[TreeEntry]):
    """A tree of units and their specialists with "N not seen" badges.

    The badge counts rows `unmet` or `due` (not seen and no documented
    reason): red while above zero, a green ✓ at zero, a muted … while the
    specialist's unit is still being evaluated.
    """

    BINDINGS = [
        Binding("enter", "select_cursor", "Caseload", id="units.show",
                tooltip="Open the specialist's caseload (moving the cursor shows it too)"),
    ]

    COMPONENT_CLASSES = {"units-tree--unseen", "units-tree--clear", "units-tree--muted"}

    _on_specialist: Callable[[StaffMember], None] | None = None  # the cursor can move while __init__ runs
    _room_width: int | None = None  # the pane's width, while the tree is being built

    DEFAULT_CSS = """
    UnitsTree > .units-tree--unseen { color: $text-error; text-style: bold; }
    UnitsTree > .units-tree--clear { color: $text-success; text-style: bold; }
    UnitsTree > .units-tree--muted { color: $text-muted; }
    """

    def __init__(
        self,
        *,
        on_specialist: Callable[[StaffMember], None] | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__("Units", id=id, classes=classes)
        self.show_root = False
        self.guide_depth = 3
        self._on_specialist = on_specialist
        #: the rosters shown (their units and specialists, in order)
        self._rosters: tuple[UnitRoster, ...] = ()
        #: specialists of units not opened yet, by unit node id (added when the unit is opened)
        self._unfilled: dict[int, list[SpecialistEntry]] = {}

    def watch_cursor_line(self, previous_line: int, line: int) -> None:
        """Moving onto a specialist calls `on_specialist` at once, not through a message.

        `NodeHighlighted` would reach the screen after the next frame was drawn,
        so the caseload would follow a frame (≈17 ms) behind the cursor; called
        here, both are drawn in the same frame.
        """
        super().watch_cursor_line(previous_line, line)
        node = self.cursor_node
        if (previous_line != line and self._on_specialist is not None and node is not None
                and isinstance(node.data, SpecialistEntry)):
            self._on_specialist(node.data.specialist)

    def show_rosters(self, rosters: Sequence[UnitRoster], unseen_of: Callable[[StaffMember], int | None], *,
                     home_unit: str | None = None) -> None:
        """Show `rosters`, keeping the cursor on the same specialist or unit.

        `unseen_of` gives a specialist's badge count, None while it is not known
        yet. When the units and specialists are those already shown (the month
        was evaluated again), only the badges change; otherwise the tree is
        built again. A small tree has every unit open; a large one (statewide:
        250 units, 1,500 specialists) opens the first unit and those open
        before, and adds a unit's specialists when it is opened. The first
        time, `home_unit` (the acting user's) is opened too and has the cursor.
        """
        entries = []
        for roster in rosters:
            counts = [unseen_of(member) for member in roster.specialists]
            known = None if None in counts else sum(counts)  # type: ignore[arg-type]
            entries.append((UnitEntry(roster.unit, known),
                            [SpecialistEntry(member, unseen) for member, unseen in zip(roster.specialists, counts)]))
        if tuple(rosters) == self._rosters:
            for unit_node, (unit, specialists) in zip(self.root.children, entries):
                _update(unit_node, unit)
                if unit_node.id in self._unfilled:
                    self._unfilled[unit_node.id] = specialists
                for node, specialist in zip(unit_node.children, specialists):
                    _update(node, specialist)
            return
        previous = self.cursor_node.data if self.cursor_node is not None else None
        if previous is None and home_unit is not None:
            previous = next((unit for unit, _ in entries if unit.unit and unit.unit.unit_id == home_unit), None)
        was_open = {n.data.unit for n in self.root.children if n.is_expanded and isinstance(n.data, UnitEntry)}
        if isinstance(previous, UnitEntry):
            was_open.add(previous.unit)
        open_all = len(entries) + sum(len(specialists) for _, specialists in entries) <= EXPAND_ALL_UP_TO
        self.clear()
        self._unfilled = {}
        self._rosters = tuple(rosters)
        for index, (unit, specialists) in enumerate(entries):
            is_open = open_all or index == 0 or unit.unit in was_open
            # Text, not str: a name is data, never markup ("[acting]" stays as typed).
            unit_node = self.root.add(
                Text(unit_label(unit.unit, missing="No unit")),
                data=unit,
                expand=is_open and bool(specialists),
                allow_expand=bool(specialists),
            )
            if is_open:
                self._add_specialists(unit_node, specialists)
            elif specialists:
                self._unfilled[unit_node.id] = specialists
        # Every line's width is asked for once the tree is built: look the pane's width up once.
        self._room_width = self.scrollable_content_region.width
        try:
            self._restore_cursor(previous)
        finally:
            self._room_width = None

    def _add_specialists(self, unit_node: TreeNode[TreeEntry], specialists: Sequence[SpecialistEntry]) -> None:
        for specialist in specialists:
            unit_node.add_leaf(Text(staff_label(specialist.specialist)), data=specialist)

    def _fill(self, unit_node: TreeNode[TreeEntry]) -> None:
        """Add the specialists of a unit not opened before."""
        specialists = self._unfilled.pop(unit_node.id, None)
        if specialists is not None:
            self._add_specialists(unit_node, specialists)

    @on(Tree.NodeExpanded)
    def _unit_opened(self, event: Tree.NodeExpanded[TreeEntry]) -> None:
        self._fill(event.node)

    def find_specialist(self, staff_id: str) -> TreeNode[TreeEntry] | None:
        """The node of `staff_id`, opening their unit if it is closed (None: not in the tree)."""
        for unit_node in self.root.children:
            pending = self._unfilled.get(unit_node.id, ())
            if any(entry.specialist.staff_id == staff_id for entry in pending):
                self._fill(unit_node)
            for node in unit_node.children:
                if isinstance(node.data, SpecialistEntry) and node.data.specialist.staff_id == staff_id:
                    if not unit_node.is_expanded:
                        unit_node.expand()
                        self.last_line  # lays the new lines out, so the node's line is current
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
        badge, component = _badge(node, entry)
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

    def get_label_width(self, node: TreeNode[TreeEntry]) -> int:
        """The width `render_label` gives, worked out without rendering (the tree asks for every line)."""
        entry = node.data
        icon = cell_len(self.ICON_NODE_EXPANDED if node.is_expanded else self.ICON_NODE) if node.allow_expand else 0
        name = icon + cell_len(node.label.plain if isinstance(node.label, Text) else str(node.label))
        if entry is None:
            return name
        badge = cell_len(_badge(node, entry)[0])
        room = self._label_room(node)
        return room if room - badge - _GAP >= _MIN_NAME else name + _GAP + badge

    def _label_room(self, node: TreeNode[TreeEntry]) -> int:
        """Cells left for a node's label after its guides (0 before layout)."""
        width = self._room_width if self._room_width is not None else self.scrollable_content_region.width
        if width <= 0:
            return 0
        depth, parent = 0, node.parent
        while parent is not None and parent is not self.root:
            depth, parent = depth + 1, parent.parent
        return width - depth * self.guide_depth


def _update(node: TreeNode[TreeEntry], entry: TreeEntry) -> None:
    """Give `node` its new badge; `refresh` tells the tree its drawn line is out of date."""
    if node.data != entry:
        node.data = entry
        node.refresh()


def _badge(node: TreeNode[TreeEntry], entry: TreeEntry) -> tuple[str, str]:
    """The badge of a node and its component class."""
    if isinstance(entry, UnitEntry) and not node.allow_expand:
        return "no specialists", "units-tree--muted"
    if entry.unseen is None:
        return badge_text(None), "units-tree--muted"
    return badge_text(entry.unseen), "units-tree--unseen" if entry.unseen else "units-tree--clear"
