"""Texts of /datasets (app_pages/datasets.py).

Each key maps to an `(english, chinese)` pair (see `lib.i18n`).
"""

TEXTS = {
    "datasets.title": ("Datasets", "数据集"),
    "datasets.intro": (
        "`keras.datasets` holds ready-made data: `load_data()` downloads a file once into "
        "Keras's cache and returns NumPy arrays `(x_train, y_train), (x_test, y_test)`. MNIST is "
        "always here; the others appear when they are cached or can be downloaded.",
        "`keras.datasets` 提供现成的数据：`load_data()` 第一次会把文件下载到 Keras 的缓存中，"
        "然后返回 NumPy 数组 `(x_train, y_train), (x_test, y_test)`。MNIST 始终可用；其他数据集在"
        "已缓存或可以下载时才会出现。",
    ),
    "datasets.mnist": ("MNIST: handwritten digits", "MNIST：手写数字"),
    "datasets.mnist.why_embedded": ("Why not the full MNIST: {reason}", "为什么不是完整的 MNIST：{reason}"),
    "datasets.split": ("Split", "数据划分"),
    "datasets.split.train": ("training", "训练集"),
    "datasets.split.test": ("test", "测试集"),
    "datasets.per_class": ("Examples per digit", "每个数字的样本数"),
    "datasets.seed": ("Random draw (seed)", "随机抽样（种子）"),
    "datasets.mnist.grid": ("Random {split} digits, one row per class", "随机抽取的{split}数字，每类一行"),
    "datasets.balance": ("Class balance", "类别分布"),
    "datasets.digit": ("digit", "数字"),
    "datasets.share": ("share of the split", "占该划分的比例"),
    "datasets.means": ("The mean image of each digit (training set)", "每个数字的平均图像（训练集）"),
    "datasets.means.help": (
        "Each pixel averaged over every training image of that digit, then scaled to its "
        "brightest pixel: the blur shows how much people's handwriting varies.",
        "对该数字的所有训练图像逐像素取平均，再按最亮的像素缩放：模糊的程度说明了人们书写的差异有多大。",
    ),
    "datasets.histogram": ("Pixel intensities", "像素亮度分布"),
    "datasets.intensity": ("intensity (0 = black background, 255 = ink)", "亮度（0 = 黑色背景，255 = 墨迹）"),
    "datasets.pixel_share": ("share of pixels (log scale)", "像素比例（对数坐标）"),
    "datasets.histogram.help": (
        "Most pixels are background (0) and many are full ink (255): that is why dividing by "
        "255 to get values in [0, 1] is all the scaling MNIST needs.",
        "大多数像素是背景（0），很多是满墨迹（255）：所以 MNIST 只需除以 255 缩放到 [0, 1]。",
    ),
    "datasets.compare": ("Training and test splits compared", "训练集与测试集对比"),
    "datasets.compare.examples": ("examples", "样本数"),
    "datasets.compare.mean_intensity": ("mean pixel intensity", "平均像素亮度"),
    "datasets.compare.ink_share": ("share of ink pixels (> 127)", "墨迹像素比例（> 127）"),
    "datasets.compare.smallest_class_share": ("smallest class share", "最小类别占比"),
    "datasets.compare.largest_class_share": ("largest class share", "最大类别占比"),
    "datasets.compare.gap": (
        "Mean absolute difference between the two splits' mean digits: {gap:.2f} of 255. "
        "Similar splits mean the test accuracy measures the same task as training.",
        "两个划分的平均数字图像之间的平均绝对差：{gap:.2f}（满分 255）。两个划分相似，"
        "测试准确率衡量的才是与训练相同的任务。",
    ),
    "datasets.others": ("The other keras.datasets", "其他 keras.datasets"),
    "datasets.others.intro": (
        "Each dataset is loaded through `keras.datasets` only when its file is in Keras's cache "
        "or its server answers within a few seconds, so this page never waits on a missing "
        "network.",
        "只有当数据文件已在 Keras 缓存中，或服务器在几秒内有响应时，才会通过 `keras.datasets` 加载，"
        "所以没有网络时本页面不会卡住。",
    ),
    "datasets.table.dataset": ("Dataset", "数据集"),
    "datasets.table.kind": ("Kind", "类型"),
    "datasets.table.state": ("Status", "状态"),
    "datasets.kind.images": ("images", "图像"),
    "datasets.kind.text": ("text", "文本"),
    "datasets.kind.table": ("table", "表格"),
    "datasets.state.cached": ("in Keras's cache", "已在 Keras 缓存中"),
    "datasets.state.downloadable": ("downloadable now", "现在可以下载"),
    "datasets.state.offline": ("not cached, no connection", "未缓存，且无法连接"),
    "datasets.choose": ("Dataset", "数据集"),
    "datasets.name.fashion_mnist": ("Fashion-MNIST: clothing images", "Fashion-MNIST：服装图像"),
    "datasets.name.cifar10": ("CIFAR10: small colour photos", "CIFAR10：小尺寸彩色照片"),
    "datasets.name.imdb": ("IMDB: movie reviews (sentiment)", "IMDB：电影评论（情感分类）"),
    "datasets.name.reuters": ("Reuters: newswires (46 topics)", "路透社：新闻专线（46 个主题）"),
    "datasets.name.boston_housing": ("Boston housing prices", "波士顿房价"),
    "datasets.name.california_housing": ("California housing prices", "加利福尼亚房价"),
    "datasets.offline": (
        "keras.datasets.{name} is not in Keras's cache and its server cannot be reached from "
        "here. Run this app (or the command below) once on a computer that is online, or "
        "download each file below and place it exactly where shown:",
        "keras.datasets.{name} 不在 Keras 缓存中，且从这里无法连接到它的服务器。请在联网的电脑上"
        "运行一次本应用（或下面的命令），或者下载下列每个文件并放到所示的位置：",
    ),
    "datasets.download": ("Download it now", "现在下载"),
    "datasets.download.help": (
        "The server answers: switch this on to download the file once into Keras's cache.",
        "服务器有响应：打开开关即可把文件下载到 Keras 缓存中（只需一次）。",
    ),
    "datasets.loading": ("Loading keras.datasets.{name} ...", "正在加载 keras.datasets.{name} ……"),
    "datasets.loaded": (
        "keras.datasets.{name}: {n_train:,} training and {n_test:,} test examples.",
        "keras.datasets.{name}：{n_train:,} 个训练样本，{n_test:,} 个测试样本。",
    ),
    "datasets.no_word_index": (
        "The word index of keras.datasets.{name} is not cached and cannot be downloaded now, so "
        "texts show word ids (#id) instead of words. To get the words, place this file:",
        "keras.datasets.{name} 的词表未缓存且现在无法下载，所以文本显示为词编号（#id）。"
        "要显示单词，请放置这个文件：",
    ),
    "datasets.grid": ("keras.datasets.{name}: examples of each class", "keras.datasets.{name}：每类的样本"),
    "datasets.counts": ("Examples per class", "每类样本数"),
    "datasets.class": ("class", "类别"),
    "datasets.count": ("count", "数量"),
    "datasets.labels.imdb": ("Reviews per label (training set)", "每种标签的评论数（训练集）"),
    "datasets.labels.reuters": ("Newswires per topic (training set)", "每个主题的新闻数（训练集）"),
    "datasets.lengths": ("Length of each text (training set)", "每条文本的长度（训练集）"),
    "datasets.words": ("words", "词数"),
    "datasets.example": ("Example number", "样本编号"),
    "datasets.example.label": ("Label: **{label}**", "标签：**{label}**"),
    "datasets.example.text": ("Decoded text", "解码后的文本"),
    "datasets.target": ("price (target)", "房价（目标值）"),
    "datasets.feature": ("Feature", "特征"),
    "datasets.scatter": ("{feature} against the price", "{feature} 与房价"),
    "datasets.target_histogram": ("Prices (training set)", "房价分布（训练集）"),
    # A dataset in Keras's cache that cannot be used (`lib.datasets.DatasetError`).
    "datasets.error.hash_mismatch": (
        "The cached file {path} is incomplete or not the expected one (its hash is not {hash}). "
        "Delete it and run once online, or replace it with the file from {origin}.",
        "缓存文件 {path} 不完整或不是预期的文件（它的哈希值不是 {hash}）。请删除它后联网运行一次，"
        "或用 {origin} 上的文件替换它。",
    ),
    "datasets.error.load_failed": (
        "keras.datasets.{name}.load_data() failed ({detail}): a download cut short or a damaged "
        "file in Keras's cache. Delete its files in {folder} and run once online.",
        "keras.datasets.{name}.load_data() 失败（{detail}）：下载被中断，或 Keras 缓存中的文件已损坏。"
        "请删除 {folder} 中它的文件后联网运行一次。",
    ),
    # The classes of the image and review datasets, as the charts and examples name them
    # (`lib.datasets.DATASETS`' class_names, in Keras's order); Reuters's topics are its codes.
    "datasets.classes.fashion_mnist": (
        "T-shirt/top|Trouser|Pullover|Dress|Coat|Sandal|Shirt|Sneaker|Bag|Ankle boot",
        "T恤/上衣|裤子|套头衫|连衣裙|外套|凉鞋|衬衫|运动鞋|包|短靴",
    ),
    "datasets.classes.cifar10": (
        "airplane|automobile|bird|cat|deer|dog|frog|horse|ship|truck",
        "飞机|汽车|鸟|猫|鹿|狗|青蛙|马|船|卡车",
    ),
    "datasets.classes.imdb": ("negative|positive", "负面|正面"),
}
