"""Texts of /layers (app_pages/layers.py).

Each key maps to an `(english, chinese)` pair (see `lib.i18n`).
"""

TEXTS = {
    "layers.title": ("Layers on a real digit", "在真实数字上试验网络层"),
    "layers.intro": (
        "Pick a layer, set its arguments (the names Keras uses), and see what the real Keras "
        "layer does to a handwritten digit.",
        "选择一个网络层，设置它的参数（与 Keras 相同的参数名），看看真实的 Keras 网络层对一个手写数字做了什么。",
    ),
    "layers.digit": ("Digit", "数字"),
    "layers.digit.test": ("A test digit", "测试集中的数字"),
    "layers.digit.drawn": ("The digit you drew on Recognize", "你在“识别”页画的数字"),
    "layers.digit.source": ("Input", "输入"),
    "layers.type": ("Layer", "网络层"),
    "layers.arguments": ("Arguments", "参数"),
    "layers.seed": ("Initializer seed", "初始化随机种子"),
    "layers.input_shape": ("Input shape", "输入形状"),
    "layers.output_shape": ("Output shape", "输出形状"),
    "layers.params": ("Parameters", "参数数量"),
    "layers.formula": ("Parameters: {formula}", "参数数量：{formula}"),
    "layers.no_params": ("This layer has no weights: nothing here is learned.",
                         "这个网络层没有权重：它不学习任何东西。"),
    "layers.regularization": (
        "The kernel regularizer adds {loss:.4f} to the loss, pushing the weights towards zero.",
        "核正则化项给损失函数加上 {loss:.4f}，把权重推向零。",
    ),
    "layers.input": ("Input", "输入"),
    "layers.output": ("Output", "输出"),
    "layers.map": ("map {index}", "特征图 {index}"),
    "layers.inference": ("Inference (training=False)", "推理（training=False）"),
    "layers.training": ("Training (training=True)", "训练（training=True）"),
    "layers.mask": ("Dropout mask (white: kept)", "Dropout 掩码（白色：保留）"),
    "layers.dense_bars": ("Output of each unit", "每个单元的输出"),
    "layers.unit": ("unit", "单元"),
    "layers.value": ("value", "数值"),
    "layers.position": ("position", "位置"),
    "layers.config": ("get_config()", "get_config()"),
    "layers.weights": ("get_weights()", "get_weights()"),
    "layers.weights.none": ("get_weights() returns an empty list.", "get_weights() 返回空列表。"),
    "layers.weights.row": ("{name}: shape {shape} ({kind})", "{name}：形状 {shape}（{kind}）"),
    "layers.trainable": ("trainable", "可训练"),
    "layers.non_trainable": ("not trainable", "不可训练"),
    "layers.count": ("count", "个数"),
    "layers.what.Dense": (
        "Dense connects every input to every unit: each output is a weighted sum of all 784 "
        "pixels plus a bias, then the activation. The digit is flattened first, so Dense sees "
        "(1, 784). With fresh random weights the outputs mean nothing yet: training gives them "
        "meaning.",
        "Dense（全连接层）把每个输入连到每个单元：每个输出是全部 784 个像素的加权和加上偏置，再经过"
        "激活函数。数字先被展平，所以 Dense 看到的是 (1, 784)。权重刚随机初始化时输出还没有意义，"
        "训练才赋予它们意义。",
    ),
    "layers.what.Conv2D": (
        "Conv2D slides each filter (a small kernel_size window of weights) over the image and "
        "writes one feature map per filter. strides is the step of the window, padding='same' "
        "pads the border so the size stays, dilation_rate spreads the window out. Each map "
        "below is one filter's answer.",
        "Conv2D（二维卷积）让每个卷积核（kernel_size 大小的权重窗口）在图像上滑动，每个卷积核输出一张"
        "特征图。strides 是窗口的步长，padding='same' 在边缘补零使尺寸不变，dilation_rate 把窗口"
        "撑大。下面每张图是一个卷积核的结果。",
    ),
    "layers.what.MaxPooling2D": (
        "MaxPooling2D keeps the largest value in each pool_size window: the image shrinks but "
        "the strongest strokes survive. strides defaults to pool_size, so windows do not overlap.",
        "MaxPooling2D（最大池化）保留每个 pool_size 窗口中的最大值：图像变小，但最强的笔画保留下来。"
        "strides 默认等于 pool_size，所以窗口互不重叠。",
    ),
    "layers.what.AveragePooling2D": (
        "AveragePooling2D replaces each pool_size window by its mean: the image shrinks and "
        "blurs. Compare it with MaxPooling2D on the same settings.",
        "AveragePooling2D（平均池化）用每个 pool_size 窗口的平均值代替窗口：图像变小、变模糊。"
        "用相同设置和 MaxPooling2D 比较一下。",
    ),
    "layers.what.Dropout": (
        "Dropout only acts while training: it sets a random share rate of the inputs to zero "
        "and scales the rest up by 1 / (1 - rate), so the network cannot rely on any single "
        "pixel. At inference it passes the input through unchanged. noise_shape shares one coin "
        "across an axis: (1, 28, 1, 1) drops whole rows, (1, 1, 28, 1) whole columns.",
        "Dropout 只在训练时起作用：它把比例为 rate 的随机输入置零，其余的放大 1 / (1 - rate) 倍，"
        "使网络不能依赖某个单独的像素。推理时输入原样通过。noise_shape 让某个轴共用同一次随机："
        "(1, 28, 1, 1) 整行丢弃，(1, 1, 28, 1) 整列丢弃。",
    ),
    "layers.what.Flatten": (
        "Flatten lays the (28, 28, 1) image out as one row of 784 numbers, row after row, so a "
        "Dense layer can take it. Nothing is learned and nothing is lost.",
        "Flatten（展平层）把 (28, 28, 1) 的图像一行接一行排成 784 个数，让 Dense 层能接收。"
        "不学习任何东西，也不丢失任何信息。",
    ),
    "layers.what.BatchNormalization": (
        "BatchNormalization rescales its input to mean 0 and variance 1. While training it uses "
        "the batch's own mean and variance; at inference it uses moving averages (still 0 and 1 "
        "on a fresh layer, so the digit passes almost unchanged). gamma and beta are learned; "
        "moving_mean and moving_variance are not.",
        "BatchNormalization（批归一化）把输入调整为均值 0、方差 1。训练时用这一批数据自己的均值和方差；"
        "推理时用滑动平均（新建的层里仍是 0 和 1，所以数字几乎不变）。gamma 和 beta 是学习得到的，"
        "moving_mean 和 moving_variance 不是。",
    ),
    "layers.error.output_too_small": (
        "With padding='{padding}', a {kernel} window (spanning {span} pixels once dilation_rate "
        "spreads it) does not fit in the {size} input, so the output would have no pixels. "
        "Use padding='same', or a smaller window or dilation_rate. Keras's reason: {keras_reason}",
        "padding='{padding}' 时，{kernel} 的窗口（经 dilation_rate 扩张后跨越 {span} 个像素）放不进 {size} "
        "的输入，输出将没有像素。请改用 padding='same'，或减小窗口或 dilation_rate。"
        "Keras 给出的原因：{keras_reason}",
    ),
    "layers.error.stride_not_positive": (
        "strides must be at least 1: a step of 0 would never move the window. Received "
        "strides={strides}. Keras's reason: {keras_reason}",
        "strides 至少为 1：步长为 0 时窗口永远不会移动。收到 strides={strides}。"
        "Keras 给出的原因：{keras_reason}",
    ),
    "layers.error.strides_with_dilation": (
        "Keras cannot combine strides > 1 with dilation_rate > 1 in one Conv2D. Received "
        "strides={strides} and dilation_rate={dilation_rate}: set one of them back to (1, 1). "
        "Keras's reason: {keras_reason}",
        "Keras 的 Conv2D 不能同时使用 strides > 1 和 dilation_rate > 1。收到 strides={strides} 和 "
        "dilation_rate={dilation_rate}：请把其中一个改回 (1, 1)。Keras 给出的原因：{keras_reason}",
    ),
    "layers.error.refused": (
        "Keras refused these arguments. Keras's reason: {keras_reason}",
        "Keras 拒绝了这些参数。Keras 给出的原因：{keras_reason}",
    ),
    "layers.kernel.title": ("set_weights() by hand on a 3 x 3 Conv2D", "用 set_weights() 手动设置 3 x 3 卷积核"),
    "layers.kernel.intro": (
        "A filter is just nine numbers. Pick a preset or type your own, and see the feature map "
        "Conv2D(1, kernel_size=(3, 3), padding='same') makes with them. Training finds such "
        "numbers by itself.",
        "一个卷积核只是九个数字。选一个预设或自己输入，看看 Conv2D(1, kernel_size=(3, 3), "
        "padding='same') 用它们得到的特征图。训练会自己找到这样的数字。",
    ),
    "layers.kernel.preset": ("Preset", "预设"),
    "layers.kernel.preset.identity": ("Identity (copies the image)", "恒等（复制图像）"),
    "layers.kernel.preset.blur": ("Blur (mean of 3 x 3)", "模糊（3 x 3 平均）"),
    "layers.kernel.preset.sharpen": ("Sharpen", "锐化"),
    "layers.kernel.preset.edge_horizontal": ("Horizontal edges (Sobel)", "水平边缘（Sobel）"),
    "layers.kernel.preset.edge_vertical": ("Vertical edges (Sobel)", "垂直边缘（Sobel）"),
    "layers.kernel.preset.edge_all": ("All edges (Laplacian)", "所有边缘（拉普拉斯）"),
    "layers.kernel.weights": ("Kernel weights (edit them)", "卷积核权重（可编辑）"),
    "layers.kernel.bias": ("Bias", "偏置"),
    "layers.kernel.activation": ("Activation", "激活函数"),
    "layers.kernel.map": ("Feature map", "特征图"),
    "layers.kernel.invalid": ("Every weight must be a number.", "每个权重都必须是数字。"),
    "layers.ways.title": ("Three ways to build a model", "构建模型的三种方式"),
    "layers.ways.intro": (
        "The tutorial's CNN written as a Sequential list, with Sequential().add(), and with the "
        "functional API. Each tab's code was run as shown; its model.summary() is under it.",
        "教程中的 CNN 分别用 Sequential 列表、Sequential().add() 和函数式 API 编写。下面每段代码都"
        "按原样运行过，下面是它的 model.summary()。",
    ),
    "layers.ways.sequential_list": ("Sequential([...])", "Sequential([...])"),
    "layers.ways.sequential_add": ("Sequential() + add()", "Sequential() + add()"),
    "layers.ways.functional": ("Functional: Input -> Model", "函数式：Input -> Model"),
    "layers.ways.layer": ("Layer (type)", "层（类型）"),
    "layers.ways.shape": ("Output shape", "输出形状"),
    "layers.ways.params": ("Param #", "参数数量"),
    "layers.ways.total": ("Total params: {params:,}", "参数总数：{params:,}"),
    "layers.ways.same": (
        "The same network all three ways: the same layers, output shapes and {params:,} "
        "parameters.",
        "三种方式得到同一个网络：相同的层、相同的输出形状、{params:,} 个参数。",
    ),
    "layers.ways.differ": ("The three models differ.", "三个模型不一致。"),
}
