"""Residual-check windows: disjoint, inside the image, covering every painted region grown by
its context; the whole frame (None) once they would cover more than half of it."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from anonymize.image.regions import Region, RegionKind
from anonymize.image.windows import FULL_FRAME_SHARE, Window, residual_windows


def box(x: float, y: float, w: float, h: float, kind: RegionKind = RegionKind.FACE) -> Region:
    return Region(kind, x, y, w, h)


def area(window: Window) -> int:
    x0, y0, x1, y1 = window
    return (x1 - x0) * (y1 - y0)


def overlap(a: Window, b: Window) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def windows_of(painted: list[Region], width: int, height: int,
               context: float = 0.5) -> list[Window] | None:
    """The example cases below were written for a context of 0.5 and a full-frame share of
    one half."""
    return residual_windows(painted, width, height, context=context, share=0.5)


def contains(outer: Window, inner: Window) -> bool:
    return (outer[0] <= inner[0] and outer[1] <= inner[1]
            and inner[2] <= outer[2] and inner[3] <= outer[3])


def check_windows(regions: list[Region], width: int, height: int,
                  windows: list[Window], context: float = 0.5) -> None:
    """Disjoint, non-empty, inside the image, each the bounding box of the grown regions it
    holds, every grown (clipped, non-empty) region inside one of them."""
    for i, window in enumerate(windows):
        x0, y0, x1, y1 = window
        assert 0 <= x0 < x1 <= width and 0 <= y0 < y1 <= height, window
        for other in windows[i + 1:]:
            assert not overlap(window, other), (window, other)
    grown = [r.expanded(context).clip(width, height) for r in regions]
    grown = [g for g in grown if g[2] > g[0] and g[3] > g[1]]
    for g in grown:
        assert any(contains(window, g) for window in windows), g
    for window in windows:
        inside = [g for g in grown if contains(window, g)]
        assert inside, window
        assert window == (min(g[0] for g in inside), min(g[1] for g in inside),
                          max(g[2] for g in inside), max(g[3] for g in inside))
    assert sum(area(w) for w in windows) <= FULL_FRAME_SHARE * width * height


def test_nothing_painted_gives_no_windows() -> None:
    """An empty list, not None: there is nothing to search (the pipeline's `or` turns it
    into the whole frame)."""
    assert windows_of([], 1000, 800) == []


def test_one_small_region_gives_its_box_grown_by_the_context() -> None:
    region = box(100, 200, 40, 20)
    # Half the width left and right, half the height above and below.
    assert windows_of([region], 1000, 800) == [(80, 190, 160, 230)]
    assert windows_of([region], 1000, 800, context=0.0) == [(100, 200, 140, 220)]
    assert windows_of([region], 1000, 800, context=1.0) == [(60, 180, 180, 240)]


def test_fractional_boxes_are_rounded_outward() -> None:
    (window,) = windows_of([box(10.6, 20.2, 9.9, 5.1)], 500, 500, context=0.0) or []
    assert window == (10, 20, 21, 26)


def test_a_region_at_the_edge_is_clipped_to_the_image() -> None:
    assert windows_of([box(-10, -5, 30, 20)], 400, 300) == [(0, 0, 35, 25)]
    assert windows_of([box(390, 290, 20, 20)], 400, 300) == [(380, 280, 400, 300)]


def test_a_region_wholly_outside_is_dropped() -> None:
    assert windows_of([box(500, 500, 10, 10)], 400, 300) == []
    assert windows_of([box(-100, 10, 10, 10), box(100, 100, 10, 10)], 400, 300) \
        == [(95, 95, 115, 115)]


def test_overlapping_regions_merge_into_one_window() -> None:
    regions = [box(100, 100, 40, 40), box(130, 120, 40, 40)]
    assert windows_of(regions, 1000, 1000) == [(80, 80, 190, 180)]


def test_regions_whose_contexts_overlap_merge() -> None:
    """Apart by 10 px, but each grown by 20 px: one window."""
    regions = [box(100, 100, 40, 40), box(150, 100, 40, 40)]
    assert windows_of(regions, 1000, 1000) == [(80, 80, 210, 160)]


def test_touching_windows_stay_apart() -> None:
    """Windows that only share an edge do not overlap: two windows."""
    regions = [box(100, 100, 40, 40), box(180, 100, 40, 40)]
    assert windows_of(regions, 1000, 1000) == [(80, 80, 160, 160),
                                                     (160, 80, 240, 160)]


def test_a_merge_that_reaches_an_earlier_window_takes_it_in() -> None:
    """B overlaps neither A nor C, but the box of A and C covers it: one window, whatever
    the order the regions come in."""
    a, b, c = box(100, 100, 40, 40), box(150, 100, 20, 20), box(130, 130, 50, 50)
    for order in ([a, b, c], [a, c, b], [b, a, c], [c, b, a]):
        assert windows_of(order, 1000, 1000, context=0.0) == [(100, 100, 180, 180)]


def test_many_scattered_regions_each_get_a_window() -> None:
    regions = [box(50 + 100 * i, 50 + 100 * j, 10, 10) for i in range(5) for j in range(5)]
    windows = windows_of(regions, 600, 600)
    assert windows is not None
    assert len(windows) == 25
    check_windows(regions, 600, 600, windows)


def test_large_coverage_means_the_whole_frame() -> None:
    assert windows_of([box(100, 100, 300, 300)], 600, 600) is None
    # Just above half of the image ...
    assert windows_of([box(0, 0, 100, 51)], 100, 100, context=0.0) is None
    # ... and exactly half is still windows.
    assert windows_of([box(0, 0, 100, 50)], 100, 100, context=0.0) == [(0, 0, 100, 50)]


def test_coverage_is_counted_after_merging() -> None:
    """An L of two thin boxes covers 1100 of 7000 px, but its window (their bounding box) is
    3600 px: more than half, so the whole frame."""
    regions = [box(0, 0, 60, 10), box(50, 0, 10, 60)]
    assert windows_of(regions, 100, 70, context=0.0) is None
    assert windows_of(regions, 100, 80, context=0.0) == [(0, 0, 60, 60)]


def test_the_kind_of_region_does_not_matter() -> None:
    regions = [box(100, 100, 40, 40, RegionKind.TEXT), box(130, 120, 40, 40)]
    assert windows_of(regions, 1000, 1000) == [(80, 80, 190, 180)]


# ---------------------------------------------------------------------------- property

coordinate = st.floats(min_value=-300, max_value=1300, allow_nan=False, allow_infinity=False)
extent = st.floats(min_value=0, max_value=600, allow_nan=False, allow_infinity=False)
regions_strategy = st.lists(st.builds(box, coordinate, coordinate, extent, extent),
                            max_size=30)


@settings(max_examples=300, deadline=None)
@given(regions=regions_strategy, width=st.integers(1, 1200), height=st.integers(1, 1200),
       context=st.sampled_from([0.0, 0.25, 0.5, 1.0]))
def test_windows_are_none_or_disjoint_and_cover_every_region(
        regions: list[Region], width: int, height: int, context: float) -> None:
    windows = residual_windows(regions, width, height, context=context)
    if windows is None:
        # The merged windows lie within the bounding box of all the grown regions, so that
        # box must be larger than half the image.
        grown = [r.expanded(context).clip(width, height) for r in regions]
        grown = [g for g in grown if g[2] > g[0] and g[3] > g[1]]
        assert grown
        bounds = (min(g[0] for g in grown), min(g[1] for g in grown),
                  max(g[2] for g in grown), max(g[3] for g in grown))
        assert area(bounds) > FULL_FRAME_SHARE * width * height
        return
    check_windows(regions, width, height, windows, context)
