"""Texts of /applications (app_pages/applications.py).

Each key maps to an `(english, chinese)` pair (see `lib.i18n`).
"""

TEXTS = {
    "applications.title": ("Applications: pre-trained models", "预训练模型（keras.applications）"),
    "applications.intro": (
        "`keras.applications` holds famous image models. Built with `weights=None` they need no "
        "download, so their size and cost are shown here for every one. With their ImageNet "
        "weights (a file in Keras's cache) they classify photos into 1,000 classes, turn a "
        "photo into an embedding, and are the starting point for fine-tuning.",
        "`keras.applications` 收录了著名的图像模型。用 `weights=None` 构建时无需下载，所以这里能显示"
        "每个模型的规模和计算量。加载 ImageNet 权重（Keras 缓存中的一个文件）后，它们可以把照片分成 "
        "1,000 类、把照片变成嵌入向量，也是微调的起点。",
    ),
    "applications.model": ("Model", "模型"),
    "applications.building": ("Building {name} (no weights) ...", "正在构建 {name}（不含权重）……"),
    "applications.no_download": ("no download", "无需下载"),
    "applications.input": ("Input (pixels)", "输入尺寸（像素）"),
    "applications.layers": ("Layers", "层数"),
    "applications.params": ("Parameters", "参数数量"),
    "applications.size": ("Size (float32)", "大小（float32）"),
    "applications.flops": ("FLOPs per image", "每张图像的 FLOPs"),
    "applications.flops.help": (
        "{params} parameters ({trainable} trainable). FLOPs are estimated from the layer "
        "shapes: two per multiply-add of every convolution and Dense layer, which are nearly "
        "all of the arithmetic; normalisation, activations and pooling are left out.",
        "共 {params} 个参数（其中 {trainable} 个可训练）。FLOPs 由各层的形状估算：每个卷积层和 Dense "
        "层的每次乘加计 2 次运算，这几乎是全部计算量；归一化、激活和池化未计入。",
    ),
    "applications.layer_table": ("The layer table ({count} layers)", "层列表（{count} 层）"),
    "applications.table.name": ("Layer", "层"),
    "applications.table.kind": ("Type", "类型"),
    "applications.table.shape": ("Output shape", "输出形状"),
    "applications.table.params": ("Parameters", "参数"),
    "applications.table.multiply_adds": ("Multiply-adds", "乘加次数"),
    "applications.compare": ("Models compared", "模型对比"),
    "applications.compare.models": ("Models", "模型"),
    "applications.compare.help": (
        "Each model is built with shapes only, inside `keras.StatelessScope`: its layers and the "
        "shapes of its weights, but no weight values. Even VGG16 takes a fraction of a second and "
        "almost no memory, and only the figures are remembered.",
        "每个模型只按形状构建（在 `keras.StatelessScope` 中）：有层和权重的形状，但不分配权重的值。"
        "即使是 VGG16 也只需不到一秒、几乎不占内存，之后只记住统计结果。",
    ),
    "applications.compare.building": ("Building the models ...", "正在构建模型 ……"),
    "applications.compare.title": (
        "Cost per image against parameters (marker area: size in MB)",
        "每张图像的计算量与参数数量（点的面积：大小 MB）",
    ),
    "applications.compare.x": ("parameters (millions, log scale)", "参数数量（百万，对数坐标）"),
    "applications.compare.y": ("GFLOPs per image (log scale)", "每张图像的 GFLOPs（对数坐标）"),
    "applications.weights": ("Classify a photo with the ImageNet weights", "用 ImageNet 权重识别照片"),
    "applications.weights.offline": (
        "The ImageNet weights of {name} are not in Keras's cache and their server cannot be "
        "reached from here, so photos cannot be classified. Everything else on this page works. "
        "Run the command below once on a computer that is online, or download this file and "
        "place it exactly here:",
        "{name} 的 ImageNet 权重不在 Keras 缓存中，且从这里无法连接到它的服务器，所以无法识别照片。"
        "本页其他内容都能正常使用。请在联网的电脑上运行一次下面的命令，或者下载这个文件并放到这里：",
    ),
    "applications.weights.download": ("Download the weights now (about {size} MB)", "现在下载权重（约 {size} MB）"),
    "applications.weights.download_help": (
        "The server answers: switch this on to download the weights once into Keras's cache.",
        "服务器有响应：打开开关即可把权重下载到 Keras 缓存中（只需一次）。",
    ),
    "applications.weights.loading": ("Loading {name} with its ImageNet weights ...", "正在加载带 ImageNet 权重的 {name} ……"),
    "applications.weights.on_request": (
        "{name} and its weights (about {size} MB) are loaded only when a photo is uploaded; the "
        "server keeps one such model at a time.",
        "只有上传照片时才加载 {name} 及其权重（约 {size} MB）；服务器同一时间只保留一个这样的模型。",
    ),
    "applications.weights.ready": ("ImageNet weights loaded from {origin}.", "已从 {origin} 加载 ImageNet 权重。"),
    "applications.photo": ("Upload a photo", "上传一张照片"),
    "applications.photo.seen": ("What the model sees: {size} x {size}", "模型看到的图像：{size} x {size}"),
    "applications.class_id": ("class {id}", "类别 {id}"),
    "applications.top5": ("Top 5 ImageNet classes", "前 5 个 ImageNet 类别"),
    "applications.probability": ("probability", "概率"),
    "applications.no_class_index": (
        "ImageNet's class names (imagenet_class_index.json, used by decode_predictions) are not "
        "cached and cannot be downloaded now: classes are shown by number. To get the names, "
        "place this file:",
        "ImageNet 的类别名称（decode_predictions 使用的 imagenet_class_index.json）未缓存且现在"
        "无法下载，所以类别以编号显示。要显示名称，请放置这个文件：",
    ),
    "applications.embedding": (
        "The photo's embedding: {size} numbers (include_top=False, pooling=\"avg\")",
        "照片的嵌入向量：{size} 个数（include_top=False, pooling=\"avg\"）",
    ),
    "applications.feature": ("feature", "特征"),
    "applications.value": ("value", "数值"),
    "applications.recipes": ("Use it in your own code", "在自己的代码中使用"),
    "applications.recipes.embedding": ("Feature extraction", "特征提取"),
    "applications.recipes.fine_tuning": ("Fine-tuning", "微调"),
    "applications.recipes.fine_tuning.help": (
        "Keep the pre-trained body, add a new classifier for your classes, train the new head "
        "first, then unfreeze and train everything with a small learning rate.",
        "保留预训练的主体，为你的类别加一个新的分类层；先只训练新的分类层，再解冻全部层并用很小的"
        "学习率一起训练。",
    ),
}
