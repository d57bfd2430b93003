"""Words that announce a name, an organization, a date or a credit in Vietnamese news."""

from __future__ import annotations

# Family names cover the great majority of Vietnamese persons; a capitalized run that starts
# with one, after a title, is a person's name.
FAMILY_NAMES = frozenset(
    """Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Trương Đinh Mai
    Lâm Đoàn Tô Hà Tạ Cao Lương Đào Vương Trịnh Chu Thái Tăng Kiều Quách Lưu Triệu Phùng
    Khúc Nông Lò Hứa Mạc Tống Đàm Lại Khổng Doãn Nghiêm Diệp Âu Tiêu Thạch Lã""".split()  # noqa: SIM905
)
# Words just before a name that make it a person: "đồng chí Lê Hồng Anh", "ông ...".
HONORIFICS = ("đồng chí", "ông", "bà", "chủ tịch", "bác", "anh", "chị", "cố")
# Titles that may stand before a name, possibly with the body in between:
# "Phó Trưởng ban Ban Đối ngoại Trung ương Nguyễn Huy Tăng".
TITLES = (
    "tổng bí thư",
    "thường trực ban bí thư",
    "ủy viên bộ chính trị",
    "bí thư",
    "chủ tịch",
    "phó chủ tịch",
    "trưởng ban",
    "phó trưởng ban",
    "chủ nhiệm",
    "phó chủ nhiệm",
    "bộ trưởng",
    "thứ trưởng",
    "thủ tướng",
    "phó thủ tướng",
    "đại sứ",
    "giám đốc",
    "phó giám đốc",
    "tổng thư ký",
    "chánh văn phòng",
    "trưởng đoàn",
    "ủy viên",
)
# First words of the name of a body: "Ban ...", "Ủy ban ...", "Đảng bộ ...".
ORGANIZATION_HEADS = (
    "Ban",
    "Bộ",
    "Ủy ban",
    "Văn phòng",
    "Đảng bộ",
    "Công đoàn",
    "Liên hiệp",
    "Hội",
    "Mặt trận",
    "Thông tấn xã",
    "Báo",
    "Viện",
    "Học viện",
    "Trung tâm",
    "Sở",
    "Cục",
    "Tổng cục",
    "Quỹ",
    "Đoàn Chủ tịch",
    "Đảng",
    "Tỉnh ủy",
    "Thành ủy",
    "Huyện ủy",
    "Hiệp hội",
    "Đại sứ quán",
    "Tổng Lãnh sự quán",
    "Lãnh sự quán",
    "Tổ chức",
    "Cổng",
    "UBND",
    "HĐND",
)
# Heads of diplomatic missions, whose names say where they are: "Đại sứ quán Pháp tại Việt Nam".
MISSION_HEADS = frozenset({"Đại sứ quán", "Tổng Lãnh sự quán", "Lãnh sự quán"})
# Lower-case words that belong inside the name of a body or a place ("Đảng bộ tỉnh Khánh Hòa").
NAME_JOINERS = frozenset({"tỉnh", "thành", "phố", "huyện", "xã", "các", "cơ", "quan", "khối"})
# Lines of page furniture that sites print around an article.
PAGE_CHROME = (
    "Điều chỉnh kích thước chữ",
    "Audio",
    "In bài",
    "Chia sẻ",
    "Gửi bài",
    "Lưu bài",
    "Bình luận",
    "Xem thêm",
    "Tin liên quan",
)
WEEKDAYS = ("Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy", "Chủ nhật")
# Upper-case letters of Vietnamese and of the Latin names it prints, for patterns: a range
# such as À-Ỹ would hold lower-case letters too.
UPPER = "A-ZÀ-ÖØ-ÞĐĂƠƯẠ-Ỹ"
