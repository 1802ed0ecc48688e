"""A dossier that names its previous round (kỳ trước): the loader reads it, one level only,
and every problem names the file it is in."""

import shutil
from pathlib import Path

import pytest

from docgen.errors import InputError
from docgen.model.loader import load_data, load_dossier, parse_text

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
MAPPING = "  ánh xạ:\n    Sở Giao thông vận tải: Sở Giao thông - Vận tải\n"


@pytest.fixture
def pair(tmp_path):
    """Copies of the two-round fixture, to edit: (this year, last year)."""
    for name in ("son-la-2023.yaml", "son-la-2022.yaml"):
        shutil.copy(FIXTURES / name, tmp_path / name)
    return tmp_path / "son-la-2023.yaml", tmp_path / "son-la-2022.yaml"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def messages(excinfo) -> list[str]:
    return [p.message for p in excinfo.value.problems]


def refusals(path: Path) -> list[str]:
    """Return the messages of the InputError that loading the dossier at `path` raises."""
    with pytest.raises(InputError) as excinfo:
        load_dossier(path)
    return messages(excinfo)


def test_the_previous_round_is_read_from_beside_the_dossier(pair):
    current, previous = pair
    dossier = load_dossier(current)
    assert dossier.previous.file == "son-la-2022.yaml"
    assert dossier.previous.mapping == {"Sở Giao thông vận tải": "Sở Giao thông - Vận tải"}
    assert dossier.previous_round.year == 2022
    assert dossier.previous_round.blocks[0].units[0].name == "Sở Giao thông - Vận tải"


def test_without_previous_the_loader_reads_one_file(pair):
    assert load_dossier(pair[0], with_previous=False).previous_round is None
    assert load_dossier(FIXTURES / "son-la-2025.yaml").previous_round is None


def test_a_chain_is_not_followed(pair):
    current, previous = pair
    # last year's file names a file that does not exist: never opened
    edit(previous, "\nkhối:\n", "\nkỳ trước:\n  tệp: khong-co.yaml\n\nkhối:\n")
    assert load_dossier(current).previous_round.previous.file == "khong-co.yaml"
    assert load_dossier(current).previous_round.previous_round is None


def test_a_missing_previous_file_is_named(pair):
    current, _ = pair
    edit(current, "tệp: son-la-2022.yaml", "tệp: khong-co-2022.yaml")
    (message,) = refusals(current)
    assert message.startswith(f"{current}: kỳ trước › tệp: cần một tệp hồ sơ có thật")
    assert "khong-co-2022.yaml" in message


def test_a_dossier_cannot_be_its_own_previous_round(pair):
    current, _ = pair
    edit(current, "tệp: son-la-2022.yaml", "tệp: son-la-2023.yaml")
    assert refusals(current) == [
        f"{current}: kỳ trước › tệp: cần một tệp hồ sơ khác tệp này; nhận được son-la-2023.yaml"]


def test_a_problem_inside_the_previous_file_names_that_file(pair):
    current, previous = pair
    edit(previous, "điểm tối đa: 100", "điểm tối đa: 100\n  điểm tối thiểu: 0")
    (message,) = refusals(current)
    assert message.startswith(f"{previous}: thang điểm › 'điểm tối thiểu'")


def test_the_previous_round_must_be_an_earlier_year(pair):
    current, previous = pair
    edit(previous, "năm: 2022", "năm: 2023")
    assert refusals(current) == [
        f"{previous}: năm: cần năm trước năm 2023 của {current}; nhận được 2023"]


def test_mapping_names_must_exist_on_their_side_and_be_used_once(pair):
    current, _ = pair
    edit(current, MAPPING, "  ánh xạ:\n    Sở Giao thông vận tải: Sở Giao thông - Vận tải\n"
                           "    Sở Không Có: Sở Nội vụ\n    Sở Nội vụ: Sở Giao thông - Vận tải\n"
                           "    Sở Tư pháp: Sở Cũ\n")
    assert refusals(current) == [
        f"{current}: kỳ trước › ánh xạ › 'Sở Không Có': cần tên một đơn vị của hồ sơ này; "
        "nhận được không có đơn vị nào tên như vậy",
        f"{current}: kỳ trước › ánh xạ › 'Sở Nội vụ': cần mỗi đơn vị kỳ trước được ánh xạ "
        "một lần; nhận được 'Sở Giao thông - Vận tải' đã ánh xạ cho 'Sở Giao thông vận tải'",
        f"{current}: kỳ trước › ánh xạ › 'Sở Tư pháp': cần tên một đơn vị của hồ sơ kỳ trước; "
        "nhận được 'Sở Cũ' không có trong hồ sơ kỳ trước",
    ]


def test_a_previous_round_in_the_archive_cannot_be_followed_from_a_file(pair):
    current, _ = pair
    edit(current, "tệp: son-la-2022.yaml", "hồ sơ: 7")
    assert refusals(current) == [
        f"{current}: kỳ trước › hồ sơ: cần 'tệp': đường dẫn tệp hồ sơ kỳ trước ('hồ sơ: <số>' "
        "chỉ dùng được trong dịch vụ lưu trữ, nơi có các hồ sơ đã lưu); nhận được hồ sơ số 7"]
    # what does not need the previous round still reads the file
    assert load_dossier(current, with_previous=False).previous.dossier == 7


@pytest.mark.parametrize(("previous", "found"), [
    ("  tệp: son-la-2022.yaml\n  hồ sơ: 7\n", "cả hai"),
    ("  ánh xạ: {}\n", "không có cái nào"),
])
def test_the_previous_round_is_a_file_or_an_archived_dossier(pair, previous, found):
    current, _ = pair
    edit(current, "  tệp: son-la-2022.yaml\n" + MAPPING, previous)
    assert refusals(current) == [
        f"{current}: kỳ trước: cần đúng một trong 'tệp' (tệp hồ sơ kỳ trước) và 'hồ sơ' (số hồ "
        f"sơ kỳ trước trong kho lưu trữ); nhận được {found}"]


def test_without_a_folder_a_previous_file_is_refused(pair):
    current, _ = pair
    data = parse_text(current.read_text(encoding="utf-8"), "hồ sơ.yaml")
    with pytest.raises(InputError) as excinfo:
        load_data(data, "hồ sơ.yaml")
    assert messages(excinfo) == [
        "hồ sơ.yaml: kỳ trước › tệp: cần số hồ sơ kỳ trước trong kho lưu trữ, ghi là "
        "'hồ sơ: <số>' (hồ sơ gửi qua dịch vụ không được đọc tệp trên máy chủ); nhận được "
        "tệp 'son-la-2022.yaml'"]
    assert load_data(data, "hồ sơ.yaml", base=current.parent).previous.file == "son-la-2022.yaml"


@pytest.mark.parametrize("value", ["true", "'5'", "5.0"])
def test_an_archived_previous_round_is_named_by_a_whole_number(pair, value):
    """Only an integer is read as a dossier number: `true` would otherwise be dossier 1,
    and a wrong number compares with the wrong round without a word."""
    current, _ = pair
    text = current.read_text(encoding="utf-8").replace("tệp: son-la-2022.yaml", f"hồ sơ: {value}")
    with pytest.raises(InputError) as excinfo:
        load_data(parse_text(text, "hồ sơ.yaml"), "hồ sơ.yaml")
    (message,) = messages(excinfo)
    assert message.startswith("hồ sơ.yaml: kỳ trước › hồ sơ: cần một số nguyên; nhận được ")
