"""Cross-checks after the pass: labels against images, classes and volume against the
contract. Produces the items to register (a full validation) or only counts (a pre-flight,
whose images were declared, not inspected)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from intake.contract_format import ContractRules
from intake.labels import LabelRecord
from intake.problems import Problems, Severity
from intake.scan import DatasetScan, ScannedImage
from vocabulary import Layout


@dataclass(frozen=True)
class ItemRow:
    path: str
    sha256: str
    size: int
    format: str | None  # None: declared in a pre-flight manifest, never registered
    width: int | None
    height: int | None
    class_name: str | None
    label_ref: str | None


@dataclass(frozen=True)
class CheckedDataset:
    items: list[ItemRow]
    per_class: Counter[str]


UNLABELLED = "label.unlabelled_image"
TOO_FEW_PER_CLASS = "volume.too_few_per_class"
NEEDS_EVERY_LABEL = frozenset({UNLABELLED, TOO_FEW_PER_CLASS})
"""Rules that can only be judged once every label file was read."""


def cross_check(scan: DatasetScan, rules: ContractRules, problems: Problems,
                unjudged: frozenset[str] = frozenset()) -> CheckedDataset:
    """`unjudged`: rules (of NEEDS_EVERY_LABEL) not to apply, when some labels are unread."""
    labels = _labels_by_image(scan, problems)
    if rules.layout.kind is not Layout.CLASS_FOLDERS and UNLABELLED not in unjudged:
        _unlabelled(scan, labels, rules, problems)
    _duplicates(scan.images, rules, problems)
    items = [_item(image, labels.get(path)) for path, image in sorted(scan.images.items())]
    per_class = _class_counts(items, labels)
    _classes(per_class, labels, rules, problems, TOO_FEW_PER_CLASS not in unjudged)
    _volume(items, rules, problems)
    return CheckedDataset(items, per_class)


def _labels_by_image(scan: DatasetScan, problems: Problems) -> dict[str, list[LabelRecord]]:
    labels: dict[str, list[LabelRecord]] = {}
    for record in scan.records:
        if record.image not in scan.images:
            problems.error("label.missing_image", "the label points to an image that is not "
                           "in the upload (or was rejected)", file=record.file,
                           line=record.line, json_path=record.json_path)
            continue
        labels.setdefault(record.image, []).append(record)
    return labels


def _unlabelled(scan: DatasetScan, labels: dict[str, list[LabelRecord]], rules: ContractRules,
                problems: Problems) -> None:
    severity = Severity.ERROR if rules.labels.require_labels else Severity.WARNING
    for path in sorted(scan.images.keys() - labels.keys()):
        problems.add(UNLABELLED, severity, "no label refers to this image",
                     file=path)


def _duplicates(images: dict[str, ScannedImage], rules: ContractRules,
                problems: Problems) -> None:
    severity = Severity.WARNING if rules.labels.allow_duplicate_images else Severity.ERROR
    first: dict[str, str] = {}
    for path, image in sorted(images.items()):
        if image.sha256 in first:
            problems.add("image.duplicate", severity,
                         f"same content (SHA-256) as {first[image.sha256]}", file=path)
        else:
            first[image.sha256] = path


def _item(image: ScannedImage, records: list[LabelRecord] | None) -> ItemRow:
    classes = sorted({c for r in records or () for c in r.classes})
    ref = None
    if records:
        head = records[0]
        ref = head.file + (f":{head.line}" if head.line else "") + \
            (f"#{head.json_path}" if head.json_path else "")
    info = image.info
    return ItemRow(path=image.path, sha256=image.sha256, size=image.size,
                   format=info.format.value if info else None, width=info.width if info else None,
                   height=info.height if info else None, class_name=classes[0] if classes else None,
                   label_ref=ref)


def _class_counts(items: list[ItemRow],
                  labels: dict[str, list[LabelRecord]]) -> Counter[str]:
    """Each item counts once for every class that appears on it."""
    counts: Counter[str] = Counter()
    for item in items:
        counts.update({c for r in labels.get(item.path, ()) for c in r.classes})
    return counts


def _first_use(labels: dict[str, list[LabelRecord]]) -> dict[str, LabelRecord]:
    first: dict[str, LabelRecord] = {}
    for records in labels.values():
        for record in records:
            for name in record.classes:
                first.setdefault(name, record)
    return first


def _classes(per_class: Counter[str], labels: dict[str, list[LabelRecord]],
             rules: ContractRules, problems: Problems, per_class_minimum: bool) -> None:
    """Class names read from labels are label values: problems point at where a class is
    used, and only the contract's own class names are written out."""
    allowed = rules.volume.classes
    first = _first_use(labels)
    if allowed is not None:
        for name in sorted(set(per_class) - set(allowed)):
            where = first[name]
            problems.error("label.unknown_class", "a class that is not in the contract's "
                           f"class list ({per_class[name]} items use it)", file=where.file,
                           line=where.line, json_path=where.json_path)
        for name in allowed if per_class_minimum else ():
            if per_class[name] < rules.volume.min_items_per_class:
                problems.error(TOO_FEW_PER_CLASS,
                               f"class '{name}' has {per_class[name]} items, the contract asks "
                               f"for at least {rules.volume.min_items_per_class}")
        return
    for name, count in sorted(per_class.items()) if per_class_minimum else ():
        if count < rules.volume.min_items_per_class:
            where = first[name]
            problems.error(TOO_FEW_PER_CLASS,
                           f"the class used here has {count} items, the contract asks for at "
                           f"least {rules.volume.min_items_per_class}", file=where.file,
                           line=where.line, json_path=where.json_path)


def _volume(items: list[ItemRow], rules: ContractRules, problems: Problems) -> None:
    volume = rules.volume
    if len(items) < volume.min_items:
        problems.error("volume.too_few_items",
                       f"{len(items)} valid items, the contract asks for at least "
                       f"{volume.min_items}")
    if volume.max_items is not None and len(items) > volume.max_items:
        problems.error("volume.too_many_items",
                       f"{len(items)} items, the contract allows at most {volume.max_items}")
    total = sum(i.size for i in items)
    if total > volume.max_total_bytes:
        problems.error("volume.too_large",
                       f"{total} bytes of images, the contract allows {volume.max_total_bytes}")
