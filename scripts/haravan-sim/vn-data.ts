// Vietnamese reference data for the demo shop: names, phone prefixes, places, products.
export const FAMILY_NAMES = ['Nguyễn', 'Nguyễn', 'Nguyễn', 'Trần', 'Trần', 'Lê', 'Lê', 'Phạm', 'Hoàng', 'Huỳnh', 'Phan', 'Vũ',
  'Võ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ', 'Ngô', 'Dương', 'Lý', 'Trương', 'Đinh', 'Lâm', 'Mai', 'Tạ']

export const FEMALE_MIDDLE = ['Thị', 'Thị', 'Ngọc', 'Thu', 'Thanh', 'Kim', 'Minh', 'Bảo', 'Mỹ', 'Hoài', 'Phương']
export const MALE_MIDDLE = ['Văn', 'Văn', 'Minh', 'Đức', 'Quốc', 'Hữu', 'Thanh', 'Hoàng', 'Gia', 'Công', 'Trọng']

export const FEMALE_GIVEN = ['Lan', 'Hương', 'Linh', 'Trang', 'Ngọc', 'Hà', 'Thảo', 'Mai', 'Anh', 'Hạnh', 'Yến', 'Nhung',
  'Phương', 'Quỳnh', 'Vy', 'Trâm', 'Hằng', 'Diệp', 'Uyên', 'Thư', 'Nhi', 'Giang', 'Loan', 'Hồng', 'My', 'Tuyết', 'Oanh', 'Duyên']
export const MALE_GIVEN = ['Hùng', 'Dũng', 'Tuấn', 'Minh', 'Nam', 'Long', 'Phúc', 'Quân', 'Huy', 'Khoa', 'Đạt', 'Sơn',
  'Thắng', 'Trung', 'Việt', 'Bảo', 'Khánh', 'Tâm', 'Lộc', 'Thịnh', 'Hải', 'Cường', 'Đức', 'Phong', 'Tài', 'Hiếu']

/** Mobile prefixes of Viettel (03x, 086, 09x), Vinaphone (08x, 09x) and Mobifone (07x, 09x). */
export const PHONE_PREFIXES = ['090', '091', '093', '094', '096', '097', '098', '032', '033', '034', '035', '036', '037', '038',
  '039', '070', '076', '077', '078', '079', '081', '082', '083', '084', '085', '086', '088', '089']

export const EMAIL_DOMAINS = ['gmail.com', 'gmail.com', 'gmail.com', 'yahoo.com', 'yahoo.com.vn', 'outlook.com', 'hotmail.com', 'icloud.com']

export interface Ward { name: string, code: string }
export interface District { name: string, code: string, wards: Ward[] }
export interface Province { name: string, code: string, weight: number, streets: string[], districts: District[] }

const w = (name: string, code: string): Ward => ({ name, code })

export const PROVINCES: Province[] = [
  {
    name: 'Hồ Chí Minh',
    code: 'HC',
    weight: 35,
    streets: ['Lê Đại Hành', 'Nguyễn Trãi', 'Cách Mạng Tháng 8', 'Lý Thường Kiệt', 'Nguyễn Thị Minh Khai', 'Phan Xích Long', 'Võ Văn Tần'],
    districts: [
      { name: 'Quận 1', code: 'HC460', wards: [w('Phường Bến Nghé', '26740'), w('Phường Đa Kao', '26734'), w('Phường Nguyễn Cư Trinh', '26764')] },
      { name: 'Quận 3', code: 'HC462', wards: [w('Phường Võ Thị Sáu', '27139'), w('Phường 9', '27142'), w('Phường 11', '27145')] },
      { name: 'Quận 11', code: 'HC476', wards: [w('Phường 15', '27208'), w('Phường 5', '27232'), w('Phường 10', '27253')] },
      { name: 'Quận Bình Thạnh', code: 'HC466', wards: [w('Phường 1', '26977'), w('Phường 25', '26929'), w('Phường 26', '26935')] },
      { name: 'Thành phố Thủ Đức', code: 'HC769', wards: [w('Phường Thảo Điền', '27094'), w('Phường Linh Trung', '26809'), w('Phường Hiệp Phú', '26842')] },
      { name: 'Quận Gò Vấp', code: 'HC464', wards: [w('Phường 5', '26893'), w('Phường 10', '26896'), w('Phường 17', '26881')] }
    ]
  },
  {
    name: 'Hà Nội',
    code: 'HI',
    weight: 30,
    streets: ['Kim Mã', 'Láng Hạ', 'Trần Duy Hưng', 'Hoàng Quốc Việt', 'Xã Đàn', 'Bà Triệu', 'Nguyễn Chí Thanh'],
    districts: [
      { name: 'Quận Ba Đình', code: 'HI001', wards: [w('Phường Kim Mã', '00025'), w('Phường Ngọc Khánh', '00028'), w('Phường Cống Vị', '00019')] },
      { name: 'Quận Hoàn Kiếm', code: 'HI002', wards: [w('Phường Hàng Bạc', '00049'), w('Phường Tràng Tiền', '00076'), w('Phường Hàng Bài', '00082')] },
      { name: 'Quận Đống Đa', code: 'HI006', wards: [w('Phường Láng Hạ', '00235'), w('Phường Ô Chợ Dừa', '00217'), w('Phường Trung Liệt', '00232')] },
      { name: 'Quận Cầu Giấy', code: 'HI005', wards: [w('Phường Dịch Vọng', '00163'), w('Phường Nghĩa Đô', '00157'), w('Phường Trung Hòa', '00175')] },
      { name: 'Quận Hai Bà Trưng', code: 'HI007', wards: [w('Phường Bạch Mai', '00292'), w('Phường Lê Đại Hành', '00262'), w('Phường Minh Khai', '00301')] }
    ]
  },
  {
    name: 'Đà Nẵng',
    code: 'DN',
    weight: 8,
    streets: ['Nguyễn Văn Linh', 'Lê Duẩn', 'Hùng Vương', 'Trần Phú'],
    districts: [
      { name: 'Quận Hải Châu', code: 'DN492', wards: [w('Phường Thạch Thang', '20212'), w('Phường Hải Châu I', '20215'), w('Phường Bình Hiên', '20233')] },
      { name: 'Quận Sơn Trà', code: 'DN494', wards: [w('Phường An Hải Bắc', '20275'), w('Phường Phước Mỹ', '20278')] }
    ]
  },
  {
    name: 'Hải Phòng',
    code: 'HP',
    weight: 5,
    streets: ['Lạch Tray', 'Điện Biên Phủ', 'Trần Nguyên Hãn'],
    districts: [
      { name: 'Quận Lê Chân', code: 'HP306', wards: [w('Phường An Biên', '11329'), w('Phường Dư Hàng', '11320')] },
      { name: 'Quận Ngô Quyền', code: 'HP304', wards: [w('Phường Máy Tơ', '11266'), w('Phường Lạch Tray', '11290')] }
    ]
  },
  {
    name: 'Cần Thơ',
    code: 'CT',
    weight: 5,
    streets: ['Mậu Thân', '30 Tháng 4', 'Nguyễn Văn Cừ'],
    districts: [
      { name: 'Quận Ninh Kiều', code: 'CT916', wards: [w('Phường Tân An', '31153'), w('Phường An Hòa', '31120'), w('Phường Xuân Khánh', '31147')] }
    ]
  },
  {
    name: 'Bình Dương',
    code: 'BD',
    weight: 5,
    streets: ['Đại lộ Bình Dương', 'Yersin', 'Phú Lợi'],
    districts: [
      { name: 'Thành phố Thủ Dầu Một', code: 'BD718', wards: [w('Phường Phú Cường', '25747'), w('Phường Hiệp Thành', '25750')] },
      { name: 'Thành phố Dĩ An', code: 'BD724', wards: [w('Phường Dĩ An', '25942'), w('Phường Đông Hòa', '25951')] }
    ]
  },
  {
    name: 'Khánh Hòa',
    code: 'KH',
    weight: 4,
    streets: ['Trần Phú', 'Thái Nguyên', 'Lê Thánh Tôn'],
    districts: [
      { name: 'Thành phố Nha Trang', code: 'KH568', wards: [w('Phường Lộc Thọ', '22366'), w('Phường Vĩnh Hải', '22333')] }
    ]
  },
  {
    name: 'Nghệ An',
    code: 'NA',
    weight: 3,
    streets: ['Quang Trung', 'Lê Lợi', 'Nguyễn Du'],
    districts: [
      { name: 'Thành phố Vinh', code: 'NA412', wards: [w('Phường Hưng Bình', '16675'), w('Phường Lê Lợi', '16687')] }
    ]
  }
]

export interface Product { title: string, price: number, sku: string }

export const PRODUCTS: Product[] = [
  { title: 'Đầm babydoll tay lỡ', price: 600000, sku: 'DBD-01' },
  { title: 'Áo sơ mi lụa', price: 450000, sku: 'ASM-02' },
  { title: 'Quần jean ống rộng', price: 520000, sku: 'QJ-03' },
  { title: 'Chân váy xếp ly', price: 380000, sku: 'CV-04' },
  { title: 'Áo thun cotton basic', price: 199000, sku: 'AT-05' },
  { title: 'Áo khoác gió hai lớp', price: 690000, sku: 'AK-06' },
  { title: 'Túi xách da mini', price: 1250000, sku: 'TX-07' },
  { title: 'Giày sandal quai mảnh', price: 420000, sku: 'GS-08' },
  { title: 'Son kem lì Hồng Đất', price: 259000, sku: 'SK-09' },
  { title: 'Kem chống nắng SPF50', price: 345000, sku: 'KCN-10' },
  { title: 'Nước hoa hồng dịu nhẹ', price: 289000, sku: 'NHH-11' },
  { title: 'Áo dài cách tân', price: 1580000, sku: 'AD-12' },
  { title: 'Khăn lụa tơ tằm', price: 350000, sku: 'KL-13' },
  { title: 'Bộ đồ ngủ pijama', price: 320000, sku: 'PJ-14' }
]

export const SHIPPING_TITLES = ['Giao hàng tiêu chuẩn', 'Giao hàng nhanh', 'Giao hàng tiết kiệm']
export const CUSTOMER_TAGS = ['vip', 'khach-si', 'facebook', 'zalo', 'tiktok', 'sinh-vien', 'khach-quen']
